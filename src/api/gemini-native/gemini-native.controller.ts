import type { ServerResponse } from 'node:http';
import { Body, Controller, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiKeyAuth } from '../../auth/auth.decorators';
import { sendJson } from '../../common/raw-json';
import { sendFailure } from '../api-failure';
import { geminiErrorBody } from '../api-error';
import { estimateTokens } from '../gemini/gemini-request';
import { modelIdOf } from '../models/model-catalog';
import { UpstreamTargets } from '../upstream-target';
import { GeminiNativeService } from './gemini-native.service';

/**
 * Gemini's own API: `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent`
 * (`?alt=sse` for Server-Sent Events, else a JSON array) and `:countTokens` (a local estimate),
 * also under `/v1/models/...`. Model ids may contain `/` (`假流式/gemini-2.5-pro`), so the path
 * after `models/` is taken whole and split at its last `:`. The same routes under
 * `/antigravity/...` serve from antigravity credentials.
 */
@Controller()
export class GeminiNativeController {
  constructor(
    private readonly gemini: GeminiNativeService,
    private readonly targets: UpstreamTargets,
  ) {}

  @Post([
    'v1beta/models/*target',
    'v1/models/*target',
    'antigravity/v1beta/models/*target',
    'antigravity/v1/models/*target',
  ])
  @ApiKeyAuth('gemini')
  @HttpCode(200)
  async call(
    @Req() req: { path: string },
    @Param('target') target: string[],
    @Body() body: unknown,
    @Query('alt') alt: string | undefined,
    @Res() res: ServerResponse,
  ): Promise<void> {
    const path = target.join('/');
    const cut = path.lastIndexOf(':');
    const model = modelIdOf(path.slice(0, Math.max(cut, 0)));
    const action = cut < 0 ? '' : path.slice(cut + 1);
    const upstream = this.targets.forPath(req.path);
    try {
      if (action === 'generateContent') {
        return sendJson(res, 200, await this.gemini.generate(upstream, model, body, res));
      }
      if (action === 'streamGenerateContent') {
        return await this.gemini.stream(upstream, model, body, res, alt === 'sse');
      }
      if (action === 'countTokens') {
        return sendJson(res, 200, { totalTokens: estimateTokens(body) });
      }
      const message = `Unknown method "${action}": use generateContent, streamGenerateContent or countTokens`;
      return sendJson(res, 404, geminiErrorBody(404, message));
    } catch (err) {
      sendFailure(res, 'gemini', err);
    }
  }
}
