import type { ServerResponse } from 'node:http';
import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiKeyAuth } from '../../auth/auth.decorators';
import { sendJson } from '../../common/raw-json';
import { sendFailure } from '../api-failure';
import { UpstreamTargets } from '../upstream-target';
import { ChatCompletionsService } from './chat-completions.service';

/**
 * OpenAI's `POST /v1/chat/completions` (Bearer API key), streaming or not, over Gemini CLI; the
 * same under `/antigravity/v1/...` over antigravity.
 */
@Controller()
export class ChatCompletionsController {
  constructor(
    private readonly chat: ChatCompletionsService,
    private readonly targets: UpstreamTargets,
  ) {}

  @Post(['v1/chat/completions', 'antigravity/v1/chat/completions'])
  @ApiKeyAuth('openai')
  async complete(
    @Req() req: { path: string },
    @Body() body: unknown,
    @Res() res: ServerResponse,
  ): Promise<void> {
    try {
      const completion = await this.chat.complete(body, res, this.targets.forPath(req.path));
      if (completion !== undefined) sendJson(res, 200, completion);
    } catch (err) {
      sendFailure(res, 'openai', err);
    }
  }
}
