import { Module } from '@nestjs/common';
import { CredentialRotationModule } from '../credentials/rotation/credential-rotation.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { ChatCompletionsController } from './chat/chat-completions.controller';
import { ChatCompletionsService } from './chat/chat-completions.service';
import { GeminiNativeController } from './gemini-native/gemini-native.controller';
import { GeminiNativeService } from './gemini-native/gemini-native.service';
import { ModelCaller } from './model-caller.service';
import { ModelsController } from './models/models.controller';

/** The model APIs: OpenAI-compatible and Gemini-native, over the Code Assist upstream. */
@Module({
  imports: [CredentialRotationModule, UpstreamModule],
  controllers: [ModelsController, ChatCompletionsController, GeminiNativeController],
  providers: [ModelCaller, ChatCompletionsService, GeminiNativeService],
})
export class ApiModule {}
