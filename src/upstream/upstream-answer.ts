import type { request } from 'undici';
import type { GenerateResult, StreamResult, UpstreamFailure } from './code-assist.client';
import { noteUsage } from '../metrics/upstream-metrics';
import type { RequestContext } from '../observability/request-context';
import { sseData } from './sse-events';

type UndiciResponse = Awaited<ReturnType<typeof request>>;

/**
 * How the Google model upstreams (Code Assist and antigravity, same wire format) answer: a
 * `{response: ...}` envelope around a Gemini answer, or an error status with a body.
 */

/** A non-2xx answer, its body parsed when it is JSON. */
export async function failure(response: UndiciResponse): Promise<UpstreamFailure> {
  const text = await response.body.text().catch(() => '');
  const body = parseJson(text) ?? text;
  return { ok: false, status: response.statusCode, body, headers: response.headers };
}

/**
 * The answer of a non-streaming call: the unwrapped response or a failure. Its token counts go
 * to `context`, the client request it answers.
 */
export async function generateResult(
  response: UndiciResponse,
  context?: RequestContext,
): Promise<GenerateResult> {
  if (response.statusCode >= 300) return failure(response);
  const text = await response.body.text();
  const answer = unwrap(parseJson(text));
  if (answer && typeof answer === 'object') {
    noteUsage(answer, context);
    return { ok: true, response: answer };
  }
  // A 200 that is not a Gemini answer (a captive portal, a broken proxy): a bad gateway.
  const body = 'Upstream answered 200 without a Gemini response';
  return { ok: false, status: 502, body, headers: response.headers };
}

/** The answer of a streaming call: its events unwrapped (token counts to `context`), or a failure. */
export async function streamResult(
  response: UndiciResponse,
  context?: RequestContext,
): Promise<StreamResult> {
  if (response.statusCode >= 300) return failure(response);
  return { ok: true, events: events(response.body, context) };
}

/** The JSON value of `text`, or `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
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

async function* events(
  body: UndiciResponse['body'],
  context: RequestContext | undefined,
): AsyncGenerator<unknown> {
  try {
    for await (const data of sseData(body)) {
      const event = unwrap(parseJson(data));
      // Keep-alive comments, `[DONE]` or a line that is not an answer carry nothing to relay.
      if (event && typeof event === 'object') {
        noteUsage(event, context);
        yield event;
      }
    }
  } finally {
    // Stopped early (the client left): release the connection.
    if (!body.readableEnded) body.destroy();
  }
}
