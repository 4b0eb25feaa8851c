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

import { googleError, streamReply } from './fake-code-assist-replies';

export * from './fake-code-assist-replies';

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
  /** The whole JSON body: the envelope around `request`. */
  envelope: Record<string, any>;
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

/** The Gemini request of a call, typed loosely for assertions. */
export interface SentRequest {
  contents: Array<{ role: string; parts: Array<Record<string, any>> }>;
  systemInstruction?: { parts: Array<{ text: string }> };
  generationConfig?: Record<string, any>;
  safetySettings?: Array<{ category: string; threshold: string }>;
  tools?: Array<Record<string, any>>;
  toolConfig?: Record<string, any>;
  [field: string]: any;
}

/** The Gemini request a call carried. */
export const requestOf = (call: CodeAssistCall) => call.request as SentRequest;

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

const ROUTES: Record<string, CodeAssistCall['route']> = {
  '/v1internal:generateContent': 'generate',
  '/v1internal:streamGenerateContent': 'stream',
};

/** Options of {@link installCodeAssist}, for upstreams that share Code Assist's wire format. */
export interface ModelUpstreamOptions {
  /** Path prefix of the routes (the upstream's base URL is `fake.url + base`); default none. */
  base?: string;
  /** Refusals of the upstream's own, checked after the credentials and before the body. */
  validate?: (call: CodeAssistCall) => CodeAssistReply | undefined;
}

/** Registers both Code Assist routes on `fake`. */
export function installCodeAssist(
  fake: FakeGoogle,
  options: ModelUpstreamOptions = {},
): FakeCodeAssist {
  const base = options.base ?? '';
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

  const toCall = (recorded: RecordedRequest) => callOf(recorded, base);
  for (const path of Object.keys(ROUTES)) {
    fake.route('POST', `${base}${path}`, (recorded) => {
      received.push(recorded);
      const call = toCall(recorded);
      const invalid = validate(call, options.validate);
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

function callOf(recorded: RecordedRequest, base: string): CodeAssistCall {
  const json = (recorded.json ?? {}) as Record<string, any>;
  const auth = String(recorded.headers.authorization ?? '');
  return {
    route: ROUTES[recorded.path.slice(base.length)],
    model: json.model,
    project: json.project,
    envelope: json,
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
function validate(
  call: CodeAssistCall,
  own?: ModelUpstreamOptions['validate'],
): CodeAssistReply | undefined {
  if (!call.token) {
    return googleError(401, 'Request is missing required authentication credential.');
  }
  const refused = own?.(call);
  if (refused) return refused;
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
