import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller';

/** The model lists of the OpenAI and Gemini APIs. */
@Module({ controllers: [ModelsController] })
export class ModelsModule {}
