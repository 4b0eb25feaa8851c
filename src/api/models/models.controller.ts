import { Controller, Get, HttpException, Param, Req } from '@nestjs/common';
import { ApiKeyAuth } from '../../auth/auth.decorators';
import { apiErrorBody, type ApiFlavor } from '../api-error';
import { geminiModel, isKnownModel, MODEL_IDS, modelIdOf, openAiModel } from './model-catalog';

/** The parts of a request a dual route reads to pick its answer's shape. */
export type KeyedRequest = { query: Record<string, unknown>; headers: Record<string, unknown> };

/** A dual route answers as Gemini when the client sent a Gemini-style key. */
export const flavorOf = (req: KeyedRequest): ApiFlavor =>
  req.query.key !== undefined || req.headers['x-goog-api-key'] !== undefined ? 'gemini' : 'openai';

/**
 * The model lists. `GET /v1/models` is OpenAI's list for a Bearer key and Gemini's for `key` /
 * `x-goog-api-key`; `/v1beta/models` is Gemini's. One model: `GET /v1beta/models/{id}` (Gemini)
 * and `GET /v1/models/{id}` (either), 404 in the API's shape for an unknown id. Ids may carry a
 * prefix with a slash (`假流式/gemini-2.5-pro`), hence the wildcard.
 */
@Controller()
export class ModelsController {
  @Get('v1/models')
  @ApiKeyAuth('dual')
  list(@Req() req: KeyedRequest) {
    return flavorOf(req) === 'gemini'
      ? { models: MODEL_IDS.map(geminiModel) }
      : { object: 'list', data: MODEL_IDS.map(openAiModel) };
  }

  @Get('v1beta/models')
  @ApiKeyAuth('gemini')
  geminiList() {
    return { models: MODEL_IDS.map(geminiModel) };
  }

  @Get('v1/models/*model')
  @ApiKeyAuth('dual')
  one(@Req() req: KeyedRequest, @Param('model') model: string[]) {
    const flavor = flavorOf(req);
    const id = this.known(flavor, model);
    return flavor === 'gemini' ? geminiModel(id) : openAiModel(id);
  }

  @Get('v1beta/models/*model')
  @ApiKeyAuth('gemini')
  geminiOne(@Param('model') model: string[]) {
    return geminiModel(this.known('gemini', model));
  }

  private known(flavor: ApiFlavor, segments: string[]): string {
    const id = modelIdOf(segments.join('/'));
    if (isKnownModel(id)) return id;
    throw new HttpException(
      apiErrorBody(flavor, 404, `Model ${id} is not found`, 'model_not_found'),
      404,
    );
  }
}
