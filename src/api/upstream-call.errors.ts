import type { UpstreamFailure } from '../upstream/code-assist.client';

/** Longest upstream error text passed on to the client. */
const MAX_MESSAGE = 1000;

/** A model call that failed; `status` is what the client gets. */
export class UpstreamCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamCallError';
  }

  /**
   * Google's answer, with its status and its own message (`error.message`, also inside the
   * one-element array Google sometimes answers with) when it gave one. A status below 400 (a
   * redirect the gateway does not follow) is no answer for the client: it gets 502.
   */
  static fromFailure(failure: UpstreamFailure): UpstreamCallError {
    const raw = Array.isArray(failure.body) ? (failure.body[0] as unknown) : failure.body;
    const body = raw as { error?: { message?: unknown } } | string | undefined;
    const text =
      typeof body === 'object' && typeof body?.error?.message === 'string'
        ? body.error.message
        : typeof body === 'string' && body.trim() !== ''
          ? body.trim()
          : `HTTP ${failure.status}`;
    const status = failure.status >= 400 ? failure.status : 502;
    return new UpstreamCallError(status, `Upstream error: ${text.slice(0, MAX_MESSAGE)}`);
  }
}

/** No credential may serve the model now: all disabled, cooling down or failing to refresh. */
export class NoCredentialError extends UpstreamCallError {
  constructor(model: string, upstream = 'Gemini CLI') {
    super(
      503,
      `No usable credential for ${model}: every ${upstream} credential is disabled, cooling down ` +
        'or failing to refresh. Add or re-enable credentials, or wait for the cooldown.',
    );
    this.name = 'NoCredentialError';
  }
}

/** The client went away; nothing is answered. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection');
    this.name = 'ClientGoneError';
  }
}

const TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** A network error or timeout of an upstream call as the error the client gets (502/504). */
export function networkFailure(err: unknown): UpstreamCallError | undefined {
  const code = (err as { code?: unknown })?.code;
  const causeCode = (err as { cause?: { code?: unknown } })?.cause?.code;
  const name = String(code ?? causeCode ?? '');
  if (TIMEOUTS.has(name)) return new UpstreamCallError(504, `Upstream timed out (${name})`);
  if (name.startsWith('UND_ERR') || /^E[A-Z]+$/.test(name)) {
    return new UpstreamCallError(502, `Upstream connection failed (${name})`);
  }
  return undefined;
}
