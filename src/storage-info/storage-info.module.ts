import { Module } from '@nestjs/common';
import { StorageInfoController } from './storage-info.controller';

@Module({ controllers: [StorageInfoController] })
export class StorageInfoModule {}
