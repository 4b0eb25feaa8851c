import { arch, platform } from 'node:os';
import { Injectable } from '@nestjs/common';
import { request } from 'undici';
import { SettingsService } from '../config/settings.service';
import { noteUsage } from '../metrics/upstream-metrics';
import { sseData } from './sse-events';
import { UpstreamHttp } from './upstream-http.service';

/** What Code Assist is asked: the base model, the credential's project and a Gemini request. */
export interface CodeAssistCall {
  accessToken: string;
  projectId: string;
  model: string;
  request: unknown;
  /** Aborts the upstream call (the client went away). */
  signal?: AbortSignal;
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
export class CodeAssistClient {
  constructor(
    private readonly settings: SettingsService,
    private readonly http: UpstreamHttp,
  ) {}

  async generate(call: CodeAssistCall): Promise<GenerateResult> {
    const response = await this.post('v1internal:generateContent', call);
    if (response.statusCode >= 300) return failure(response);
    const text = await response.body.text();
    const answer = unwrap(parseJson(text));
    if (answer && typeof answer === 'object') {
      noteUsage(answer);
      return { ok: true, response: answer };
    }
    // A 200 that is not a Gemini answer (a captive portal, a broken proxy): a bad gateway.
    const body = 'Upstream answered 200 without a Gemini response';
    return { ok: false, status: 502, body, headers: response.headers };
  }

  /** Opens a stream; its events are the unwrapped chunks, relayed as they arrive. */
  async stream(call: CodeAssistCall): Promise<StreamResult> {
    const response = await this.post('v1internal:streamGenerateContent?alt=sse', call);
    if (response.statusCode >= 300) return failure(response);
    return { ok: true, events: events(response.body) };
  }

  private post(path: string, call: CodeAssistCall) {
    const base = this.settings.get('code_assist_endpoint');
    return request(`${base}/${path}`, {
      method: 'POST',
      dispatcher: this.http.dispatcher(),
      // Per request as well: not every dispatcher (a SOCKS5 proxy) passes its own on.
      headersTimeout: this.settings.get('upstream_first_byte_timeout') * 1000,
      bodyTimeout: this.settings.get('upstream_idle_timeout') * 1000,
      signal: call.signal,
      headers: {
        authorization: `Bearer ${call.accessToken}`,
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
      },
      body: JSON.stringify({ model: call.model, project: call.projectId, request: call.request }),
    });
  }
}

type UndiciResponse = Awaited<ReturnType<typeof request>>;

async function failure(response: UndiciResponse): Promise<UpstreamFailure> {
  const text = await response.body.text().catch(() => '');
  const body = parseJson(text) ?? text;
  return { ok: false, status: response.statusCode, body, headers: response.headers };
}

/** The JSON value of `text`, or `undefined` when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function unwrap(payload: unknown): unknown {
  return payload && typeof payload === 'object' && 'response' in payload
    ? (payload as { response: unknown }).response
    : payload;
}

async function* events(body: UndiciResponse['body']): AsyncGenerator<unknown> {
  try {
    for await (const data of sseData(body)) {
      const event = unwrap(parseJson(data));
      // Keep-alive comments, `[DONE]` or a line that is not an answer carry nothing to relay.
      if (event && typeof event === 'object') {
        noteUsage(event);
        yield event;
      }
    }
  } finally {
    // Stopped early (the client left): release the connection.
    if (!body.readableEnded) body.destroy();
  }
}
