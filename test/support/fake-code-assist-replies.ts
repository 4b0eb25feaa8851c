/** Reply builders of the fake Code Assist (see fake-code-assist.ts). */
import type { CodeAssistReply, Part, UsageMetadata } from './fake-code-assist';

export interface ContentOptions {
  /** Thinking text, sent as a `thought: true` part before the answer. */
  thought?: string;
  finishReason?: string;
  /** Overrides the usage counts, which otherwise are characters / 4 (the prompt's: of the request). */
  usage?: Partial<UsageMetadata>;
}

/** A one-chunk answer: an optional thought part, then `text`. */
export function textReply(text: string, options: ContentOptions = {}): CodeAssistReply {
  return streamReply([text], options);
}

/**
 * Several chunks: the thought first (if any), one per entry of `chunks` (a string is a text part),
 * then the function call (if any); the last carries finishReason (default STOP) and usage.
 */
export function streamReply(
  chunks: Array<string | Part | Part[]>,
  options: ContentOptions & {
    functionCall?: { name: string; args: Record<string, unknown> };
    intervalMs?: number;
    firstByteDelayMs?: number;
    dropAfter?: number;
  } = {},
): CodeAssistReply {
  const parts: Part[][] = [
    ...(options.thought ? [[{ text: options.thought, thought: true }]] : []),
    ...chunks.map((c) => (typeof c === 'string' ? [{ text: c }] : Array.isArray(c) ? c : [c])),
    ...(options.functionCall ? [[{ functionCall: options.functionCall }]] : []),
  ];
  if (parts.length === 0) parts.push([{ text: '' }]);
  const responses = parts.map((p) => ({
    candidates: [{ content: { role: 'model' as const, parts: p }, index: 0 }],
  }));
  const last = responses[responses.length - 1];
  Object.assign(last.candidates[0], { finishReason: options.finishReason ?? 'STOP' });
  Object.assign(last, { usageMetadata: usageOf(parts.flat(), options.usage) });
  return {
    chunks: responses,
    intervalMs: options.intervalMs,
    delayMs: options.firstByteDelayMs,
    dropAfter: options.dropAfter,
  };
}

/** The model calls a function. */
export function functionCallReply(name: string, args: Record<string, unknown>): CodeAssistReply {
  return streamReply([], { functionCall: { name, args } });
}

/** 429 RESOURCE_EXHAUSTED with ErrorInfo `quotaResetTimeStamp`/`quotaResetDelay` and RetryInfo. */
export function quotaExceeded(resetInSeconds = 60): CodeAssistReply {
  const delay = goDuration(resetInSeconds);
  const resetAt = new Date(Date.now() + resetInSeconds * 1000).toISOString();
  return googleError(429, `You have exhausted your capacity on this model. Reset after ${delay}.`, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'RATE_LIMIT_EXCEEDED',
      domain: 'cloudcode-pa.googleapis.com',
      metadata: { quotaResetTimeStamp: resetAt, quotaResetDelay: delay },
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay },
  ]);
}

/** 500 INTERNAL, as Google words it. */
export function serverError(): CodeAssistReply {
  return googleError(500, 'Internal error encountered.');
}

/** Any Google error, e.g. `googleError(403, 'The caller does not have permission')`. */
export function googleError(status: number, message: string, details?: unknown[]): CodeAssistReply {
  const error = { code: status, message, status: STATUS[status] ?? 'UNKNOWN' };
  return { error: { status, body: { error: details ? { ...error, details } : error } } };
}

/** `reply`, with its headers held back `ms` milliseconds. */
export function slow(reply: CodeAssistReply, ms: number): CodeAssistReply {
  return { ...reply, delayMs: ms };
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Output usage; the prompt count (and so the total) waits for the request, see `withPrompt`. */
function usageOf(parts: Part[], override: Partial<UsageMetadata> = {}): Partial<UsageMetadata> {
  const count = (thought: boolean) =>
    Math.ceil(
      parts
        .filter((p) => !p.thought === !thought)
        .reduce((n, p) => n + (p.text ?? JSON.stringify(p.functionCall ?? '')).length, 0) / 4,
    );
  const thoughts = override.thoughtsTokenCount ?? count(true);
  return {
    ...override,
    candidatesTokenCount: override.candidatesTokenCount ?? count(false),
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
  };
}

/** Seconds as a Go duration, the way Google prints delays: `3.5s`, `1m30s`, `1h0m0s`. */
function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Number((seconds % 60).toFixed(3));
  return h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
}
