import { Module } from '@nestjs/common';
import { CredentialRotationModule } from '../credentials/rotation/credential-rotation.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { AnthropicMessagesController } from './anthropic/anthropic-messages.controller';
import { AnthropicMessagesService } from './anthropic/anthropic-messages.service';
import { AntigravityModels } from './antigravity/antigravity-models.service';
import { AntigravityQuota } from './antigravity/antigravity-quota.service';
import { AntigravityController } from './antigravity/antigravity.controller';
import { Clock } from '../common/clock';
import { ChatCompletionsController } from './chat/chat-completions.controller';
import { ChatCompletionsService } from './chat/chat-completions.service';
import { GeminiNativeController } from './gemini-native/gemini-native.controller';
import { GeminiNativeService } from './gemini-native/gemini-native.service';
import { ModelCaller } from './model-caller.service';
import { ModelStreamer } from './model-streamer.service';
import { ModelsController } from './models/models.controller';
import { UpstreamTargets } from './upstream-target';

/**
 * The model APIs: OpenAI-compatible, Gemini-native and Anthropic Messages, over the Code Assist
 * upstream (Gemini CLI credentials) and, under `/antigravity/...`, the antigravity upstream.
 */
@Module({
  imports: [CredentialRotationModule, UpstreamModule],
  controllers: [
    ModelsController,
    ChatCompletionsController,
    GeminiNativeController,
    AnthropicMessagesController,
    AntigravityController,
  ],
  providers: [
    ModelCaller,
    ModelStreamer,
    UpstreamTargets,
    ChatCompletionsService,
    GeminiNativeService,
    AnthropicMessagesService,
    AntigravityModels,
    AntigravityQuota,
    Clock,
  ],
})
export class ApiModule {}
