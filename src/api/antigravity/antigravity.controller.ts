import type { ServerResponse } from 'node:http';
import { Controller, Get, HttpException, Param, Req, Res } from '@nestjs/common';
import { ApiKeyAuth } from '../../auth/auth.decorators';
import { sendJson } from '../../common/raw-json';
import { CredentialRefreshError } from '../../credentials/rotation/token-refresh.errors';
import { sendFailure } from '../api-failure';
import { geminiModel, openAiModel } from '../models/model-catalog';
import { flavorOf, type KeyedRequest } from '../models/models.controller';
import { UpstreamCallError } from '../upstream-call.errors';
import { AntigravityModels } from './antigravity-models.service';
import { type CredentialQuota, AntigravityQuota } from './antigravity-quota.service';

/**
 * Antigravity's own routes: the live model lists (`GET /antigravity/v1/models`, OpenAI's list for
 * a Bearer key and Gemini's for `key` / `x-goog-api-key`; `GET /antigravity/v1beta/models`,
 * Gemini's) and a credential's quota per model (`GET /antigravity/creds/quota/{name}`, panel).
 * The model calls themselves share the Gemini CLI controllers, which serve `/antigravity/...`
 * from antigravity credentials.
 */
@Controller()
export class AntigravityController {
  constructor(
    private readonly models: AntigravityModels,
    private readonly quota: AntigravityQuota,
  ) {}

  @Get('antigravity/v1/models')
  @ApiKeyAuth('dual')
  async list(@Req() req: KeyedRequest, @Res() res: ServerResponse): Promise<void> {
    const flavor = flavorOf(req);
    try {
      const ids = await this.models.ids();
      sendJson(
        res,
        200,
        flavor === 'gemini'
          ? { models: ids.map(geminiModel) }
          : { object: 'list', data: ids.map(openAiModel) },
      );
    } catch (err) {
      sendFailure(res, flavor, err);
    }
  }

  @Get('antigravity/v1beta/models')
  @ApiKeyAuth('gemini')
  async geminiList(@Res() res: ServerResponse): Promise<void> {
    try {
      sendJson(res, 200, { models: (await this.models.ids()).map(geminiModel) });
    } catch (err) {
      sendFailure(res, 'gemini', err);
    }
  }

  @Get('antigravity/creds/quota/:name')
  async quotaOf(@Param('name') name: string): Promise<CredentialQuota> {
    try {
      return await this.quota.of(name);
    } catch (err) {
      if (err instanceof CredentialRefreshError) throw new HttpException(err.message, 502);
      if (err instanceof UpstreamCallError) throw new HttpException(err.message, err.status);
      throw err;
    }
  }
}
