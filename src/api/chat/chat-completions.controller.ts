import type { ServerResponse } from 'node:http';
import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiKeyAuth } from '../../auth/auth.decorators';
import { sendJson } from '../../common/raw-json';
import { sendFailure } from '../api-failure';
import { ChatCompletionsService } from './chat-completions.service';

/** OpenAI's `POST /v1/chat/completions` (Bearer API key), streaming or not. */
@Controller()
export class ChatCompletionsController {
  constructor(private readonly chat: ChatCompletionsService) {}

  @Post('v1/chat/completions')
  @ApiKeyAuth('openai')
  async complete(@Body() body: unknown, @Res() res: ServerResponse): Promise<void> {
    try {
      const completion = await this.chat.complete(body, res);
      if (completion !== undefined) sendJson(res, 200, completion);
    } catch (err) {
      sendFailure(res, 'openai', err);
    }
  }
}
