import type { ServerResponse } from 'node:http';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiKeyAuth } from '../../auth/auth.decorators';
import { sendJson } from '../../common/raw-json';
import { sendFailure } from '../api-failure';
import { UpstreamTargets } from '../upstream-target';
import { AnthropicMessagesService } from './anthropic-messages.service';

/**
 * Anthropic's Messages API: `POST /v1/messages` (streaming or not) and
 * `POST /v1/messages/count_tokens` over Gemini CLI, the same under `/antigravity/v1/...` over
 * antigravity. The API password comes as `x-api-key` or `Authorization: Bearer`; errors are in
 * Anthropic's `{type: "error", error: {type, message}}` shape.
 */
@Controller()
export class AnthropicMessagesController {
  constructor(
    private readonly messages: AnthropicMessagesService,
    private readonly targets: UpstreamTargets,
  ) {}

  @Post(['v1/messages', 'antigravity/v1/messages'])
  @ApiKeyAuth('anthropic')
  @HttpCode(200)
  async create(
    @Req() req: { path: string },
    @Body() body: unknown,
    @Res() res: ServerResponse,
  ): Promise<void> {
    try {
      const message = await this.messages.create(body, res, this.targets.forPath(req.path));
      if (message !== undefined) sendJson(res, 200, message);
    } catch (err) {
      sendFailure(res, 'anthropic', err);
    }
  }

  @Post(['v1/messages/count_tokens', 'antigravity/v1/messages/count_tokens'])
  @ApiKeyAuth('anthropic')
  @HttpCode(200)
  countTokens(
    @Req() req: { path: string },
    @Body() body: unknown,
    @Res() res: ServerResponse,
  ): void {
    try {
      sendJson(res, 200, this.messages.countTokens(body, this.targets.forPath(req.path)));
    } catch (err) {
      sendFailure(res, 'anthropic', err);
    }
  }
}
