import type { ServerResponse } from 'node:http';
import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiKeyAuth } from '../../auth/auth.decorators';
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
      if (completion === undefined || res.headersSent || res.destroyed) return;
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(completion));
    } catch (err) {
      sendFailure(res, 'openai', err);
    }
  }
}
