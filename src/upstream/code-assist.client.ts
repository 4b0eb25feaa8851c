import { arch, platform } from 'node:os';
import { Injectable } from '@nestjs/common';
import { SettingsService } from '../config/settings.service';
import type { RequestContext } from '../observability/request-context';
import { googlePost } from './google-post';
import { GoogleModelClient } from './google-model.client';
import { UpstreamHttp } from './upstream-http.service';

/** What Code Assist is asked: the base model, the credential's project and a Gemini request. */
export interface CodeAssistCall {
  accessToken: string;
  projectId: string;
  model: string;
  request: unknown;
  /** Aborts the upstream call (the client went away). */
  signal?: AbortSignal;
  /** The client request this call answers: its token counts go there. */
  context?: RequestContext;
}

/** A non-2xx answer of Code Assist, body parsed when it was JSON. */
export interface UpstreamFailure {
  ok: false;
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export type GenerateResult = { ok: true; response: unknown } | UpstreamFailure;
export type StreamResult = { ok: true; events: AsyncGenerator<unknown> } | UpstreamFailure;

const USER_AGENT = `GeminiCLI/0.1.5 (${platform()}; ${arch()})`;

/**
 * Google Code Assist, the Gemini CLI upstream: `v1internal:generateContent` and
 * `v1internal:streamGenerateContent?alt=sse` at `code_assist_endpoint`, through the shared pool.
 * Answers are unwrapped from their `{response: ...}` envelope. Network errors and timeouts are
 * thrown (undici errors); HTTP errors are returned as failures.
 */
@Injectable()
export class CodeAssistClient extends GoogleModelClient {
  constructor(
    private readonly settings: SettingsService,
    private readonly http: UpstreamHttp,
  ) {
    super();
  }

  protected post(path: string, call: CodeAssistCall) {
    const base = this.settings.get('code_assist_endpoint');
    const headers = { authorization: `Bearer ${call.accessToken}`, 'user-agent': USER_AGENT };
    const envelope = { model: call.model, project: call.projectId, request: call.request };
    return googlePost(this.http, this.settings, `${base}/${path}`, headers, envelope, call.signal);
  }
}
