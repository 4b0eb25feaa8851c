/**
 * A fake Google Code Assist (`cloudcode-pa`) on a `FakeGoogle`, so one URL serves the OAuth token
 * endpoint and the model calls: point CODE_ASSIST_ENDPOINT and OAUTH_PROXY_URL at `fake.url`. It
 * answers `POST /v1internal:generateContent` with `{response}` JSON and
 * `POST /v1internal:streamGenerateContent?alt=sse` with CRLF-framed `data: {response}` events, both
 * from one script: every reply is a list of GenerateContentResponse chunks, sent as they are on
 * the stream route and merged into one response on the other, so a test scripts content without
 * caring which route the gateway takes.
 */
import type { FakeGoogle, FakeReply, RecordedRequest } from './fake-google';

/** One Gemini content part, as much of it as the fake needs. */
export interface Part {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args: Record<string, unknown> };
  [field: string]: unknown;
}

export interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
}

/** A Gemini GenerateContentResponse (or one stream chunk of it). */
export interface GenerateContentResponse {
  candidates: Array<{
    content: { role: 'model'; parts: Part[] };
    finishReason?: string;
    index: number;
  }>;
  /** Counts a scripted reply leaves out are filled in when it is sent (the prompt's from the request). */
  usageMetadata?: Partial<UsageMetadata>;
  modelVersion?: string;
  responseId?: string;
}

/** A scripted answer: content chunks, or a Google error, or a dropped connection. */
export interface CodeAssistReply {
  /** The content; the non-stream route merges the chunks into one response. */
  chunks?: GenerateContentResponse[];
  /** An error answer instead of content: the HTTP status and Google's `{error}` body. */
  error?: { status: number; body: unknown };
  /** Close the connection without answering (a network error). */
  drop?: boolean;
  /** Wait before the headers (milliseconds): a slow first byte. */
  delayMs?: number;
  /** Stream route: pause between chunks (milliseconds); default 0. */
  intervalMs?: number;
  /** Stream route: cut the connection after this many chunks; the non-stream route then drops. */
  dropAfter?: number;
}

/** A reply, or a function of the call that builds one. */
export type ScriptedReply = CodeAssistReply | ((call: CodeAssistCall) => CodeAssistReply);

/** One model call as the fake received it. */
export interface CodeAssistCall {
  route: 'generate' | 'stream';
  model?: string;
  project?: string;
  /** The Gemini GenerateContentRequest under `request`. */
  request?: any;
  /** The bearer token from `Authorization`, if any. */
  token?: string;
  userAgent?: string;
  /** The client went away before the reply was finished (read it when you need it). */
  aborted: boolean;
  /** `Date.now()` when it arrived. */
  at: number;
}

export interface FakeCodeAssist {
  /** Replies for the next calls of any credential, in order, the last one repeating. */
  script(...replies: ScriptedReply[]): void;
  /** Like `script`, for the calls made with this access token or for this project only. */
  scriptFor(tokenOrProject: string, ...replies: ScriptedReply[]): void;
  /** The model calls received, oldest first, including those refused as invalid. */
  calls(): CodeAssistCall[];
  /** Forgets the scripts and the calls. */
  reset(): void;
}

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

const ROUTES: Record<string, CodeAssistCall['route']> = {
  '/v1internal:generateContent': 'generate',
  '/v1internal:streamGenerateContent': 'stream',
};

/** Registers both Code Assist routes on `fake`. */
export function installCodeAssist(fake: FakeGoogle): FakeCodeAssist {
  let shared: ScriptedReply[] = [];
  const perKey = new Map<string, ScriptedReply[]>();
  let received: RecordedRequest[] = [];

  const next = (call: CodeAssistCall): CodeAssistReply => {
    const queue = [perKey.get(call.token ?? ''), perKey.get(call.project ?? ''), shared].find(
      (q) => q && q.length > 0,
    );
    const entry = !queue ? echo : queue.length > 1 ? queue.shift()! : queue[0];
    return typeof entry === 'function' ? entry(call) : entry;
  };

  for (const path of Object.keys(ROUTES)) {
    fake.route('POST', path, (recorded) => {
      received.push(recorded);
      const call = toCall(recorded);
      const invalid = validate(call);
      if (invalid) return answer(call, invalid, recorded);
      return answer(call, next(call), recorded);
    });
  }

  return {
    script: (...replies) => void (shared = [...replies]),
    scriptFor: (key, ...replies) => void perKey.set(key, [...replies]),
    calls: () => received.map(toCall),
    reset: () => {
      shared = [];
      perKey.clear();
      received = [];
    },
  };
}

function toCall(recorded: RecordedRequest): CodeAssistCall {
  const json = (recorded.json ?? {}) as Record<string, any>;
  const auth = String(recorded.headers.authorization ?? '');
  return {
    route: ROUTES[recorded.path],
    model: json.model,
    project: json.project,
    request: json.request,
    token: /^Bearer (.+)$/i.exec(auth)?.[1],
    userAgent: recorded.headers['user-agent'],
    get aborted() {
      return recorded.aborted;
    },
    at: recorded.at,
  };
}

/** Google's refusals, checked in its order: credentials first, then the body. */
function validate(call: CodeAssistCall): CodeAssistReply | undefined {
  if (!call.token) {
    return googleError(401, 'Request is missing required authentication credential.');
  }
  if (!call.model) return googleError(400, 'Invalid argument: model is required.');
  if (!call.project) return googleError(400, 'Invalid project resource name projects/');
  const contents = call.request?.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return googleError(400, '* GenerateContentRequest.contents: contents is not specified');
  }
  return undefined;
}

let responses = 0;

function answer(call: CodeAssistCall, reply: CodeAssistReply, recorded: RecordedRequest) {
  const base: FakeReply = { delayMs: reply.delayMs };
  if (reply.drop) return { ...base, drop: true };
  if (reply.error) return { ...base, status: reply.error.status, body: reply.error.body };
  const responseId = `fake-response-${++responses}`;
  const promptTokens = Math.ceil(JSON.stringify(call.request?.contents ?? []).length / 4);
  const chunks = (reply.chunks ?? []).map((c) => ({
    modelVersion: call.model,
    responseId,
    ...c,
    ...(c.usageMetadata ? { usageMetadata: withPrompt(c.usageMetadata, promptTokens) } : {}),
  }));
  if (call.route === 'generate') {
    if (reply.dropAfter !== undefined) return { ...base, drop: true };
    return { ...base, body: { response: merge(chunks) } };
  }
  // Without alt=sse Google streams one JSON array; the gateway always asks for SSE.
  if (recorded.query.get('alt') !== 'sse') {
    return { ...base, body: chunks.map((response) => ({ response })) };
  }
  return {
    ...base,
    sse: {
      events: chunks.map((response) => ({ response })),
      intervalMs: reply.intervalMs,
      dropAfter: reply.dropAfter,
      crlf: true,
    },
  };
}

/** The non-stream answer for chunks: neighbouring texts of the same kind joined, the rest kept. */
function merge(chunks: GenerateContentResponse[]): GenerateContentResponse {
  const parts: Part[] = [];
  for (const part of chunks.flatMap((c) => c.candidates[0]?.content.parts ?? [])) {
    const prev = parts[parts.length - 1];
    const joinable = (p?: Part) =>
      p &&
      typeof p.text === 'string' &&
      Object.keys(p).every((k) => k === 'text' || k === 'thought');
    if (joinable(prev) && joinable(part) && !prev.thought === !part.thought) {
      parts[parts.length - 1] = { ...prev, text: prev.text! + part.text! };
    } else parts.push(part);
  }
  const last = chunks[chunks.length - 1];
  if (!last) return { candidates: [] };
  return {
    ...last,
    candidates: [{ ...last.candidates[0], content: { role: 'model', parts } }],
  };
}

function echo(call: CodeAssistCall): CodeAssistReply {
  const contents: Array<{ parts?: Part[] }> = call.request.contents;
  const said = contents[contents.length - 1]?.parts?.find((p) => p.text)?.text ?? '';
  return streamReply(['Echo from ', `${call.model}: `, said]);
}

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

function withPrompt(usage: Partial<UsageMetadata>, promptTokens: number): UsageMetadata {
  const prompt = usage.promptTokenCount ?? promptTokens;
  const output = (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0);
  return {
    ...usage,
    promptTokenCount: prompt,
    candidatesTokenCount: usage.candidatesTokenCount ?? 0,
    totalTokenCount: usage.totalTokenCount ?? prompt + output,
  };
}

/** Seconds as a Go duration, the way Google prints delays: `3.5s`, `1m30s`, `1h0m0s`. */
function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Number((seconds % 60).toFixed(3));
  return h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
}
