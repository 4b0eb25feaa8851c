import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SettingsService } from '../config/settings.service';
import type { CodeAssistCall, UpstreamFailure } from './code-assist.client';
import { googlePost } from './google-post';
import { GoogleModelClient } from './google-model.client';
import { failure, parseJson } from './upstream-answer';
import { UpstreamHttp } from './upstream-http.service';

/** The antigravity app's user agent, which the upstream expects. */
export const ANTIGRAVITY_USER_AGENT = 'antigravity/1.11.3 windows/amd64';

/** One model of `fetchAvailableModels`, as much of it as the gateway reads. */
export interface AntigravityModelInfo {
  displayName?: string;
  /** Absent for models without a quota of their own. */
  quotaInfo?: { remainingFraction?: number; resetTime?: string };
  [key: string]: unknown;
}

export type AvailableModelsResult =
  { ok: true; models: Record<string, AntigravityModelInfo> } | UpstreamFailure;

/**
 * The antigravity upstream (`antigravity_api_url`): the same `v1internal` calls as Code Assist in
 * its own envelope — `{project, requestId, model, userAgent: "antigravity", requestType?,
 * request: {...request, session_id}}` — with the antigravity user agent, plus
 * `fetchAvailableModels` (the live model list with each model's remaining quota). Image models
 * (`…-image`) are sent as `requestType: "image_gen"`.
 */
@Injectable()
export class AntigravityClient extends GoogleModelClient {
  constructor(
    private readonly settings: SettingsService,
    private readonly http: UpstreamHttp,
  ) {
    super();
  }

  /** The models one credential may use, by upstream name, with their quota. */
  async availableModels(
    accessToken: string,
    projectId: string | null,
    signal?: AbortSignal,
  ): Promise<AvailableModelsResult> {
    const url = `${this.settings.get('antigravity_api_url')}/v1internal:fetchAvailableModels`;
    const body = projectId ? { project: projectId } : {};
    const response = await googlePost(
      this.http,
      this.settings,
      url,
      headers(accessToken),
      body,
      signal,
    );
    if (response.statusCode >= 300) return failure(response);
    const answer = parseJson(await response.body.text()) as { models?: unknown } | undefined;
    const models = answer?.models;
    if (models && typeof models === 'object' && !Array.isArray(models)) {
      return { ok: true, models: models as Record<string, AntigravityModelInfo> };
    }
    const text = 'Upstream answered fetchAvailableModels without a model list';
    return { ok: false, status: 502, body: text, headers: response.headers };
  }

  protected post(path: string, call: CodeAssistCall) {
    const url = `${this.settings.get('antigravity_api_url')}/${path}`;
    const envelope = {
      project: call.projectId,
      requestId: `req-${randomUUID()}`,
      model: call.model,
      userAgent: 'antigravity',
      ...(call.model.includes('-image') ? { requestType: 'image_gen' } : {}),
      request: { ...(call.request as object), session_id: `-${randomUUID()}` },
    };
    return googlePost(
      this.http,
      this.settings,
      url,
      headers(call.accessToken),
      envelope,
      call.signal,
    );
  }
}

function headers(accessToken: string) {
  return { authorization: `Bearer ${accessToken}`, 'user-agent': ANTIGRAVITY_USER_AGENT };
}
