import { AsyncLocalStorage } from 'node:async_hooks';
import type { Namespace } from '../storage/storage-backend.interface';
import type { UsageBuffer } from '../usage/usage-buffer';

/** Token counts of a model call, from Google's usageMetadata. */
export interface TokenUsage {
  input: number;
  output: number;
  thinking: number;
}

/** What a log line needs of the request it is written for. */
export interface LogRequest {
  /** The request id (see RequestContext). */
  readonly id: string;
}

/** What the gateway learns about one request while answering it, for its log lines. */
export interface RequestContext extends LogRequest {
  /** The request id: the client's `X-Request-Id` when sane, else a new one; sent back too. */
  readonly id: string;
  /** The upstream model of a model call, once one was attempted. */
  model?: string;
  /** The credential pool of the last upstream attempt (Gemini CLI or antigravity). */
  namespace?: Namespace;
  /** The name (never the content) of the credential of the last upstream attempt. */
  credential?: string;
  /** Upstream attempts made; 0 for requests that are not model calls. */
  attempts: number;
  /** Tokens of the answer, when Google reported them. */
  tokens?: TokenUsage;
  /** Where this app gathers usage counts (absent in apps without usage statistics). */
  readonly usage?: UsageBuffer;
  /**
   * Aborted when the client leaves before its answer was sent (made on demand by a model call,
   * aborted by the request observer's one `close` listener).
   */
  leaving?: AbortController;
}

/**
 * Where a request's context lives: model routes hand it on explicitly (see requestContextOf),
 * because an AsyncLocalStorage in use costs every promise of the process a hook call (10-16% of
 * the CPU of a model call). The other routes (panel, admin) are few and their log lines come
 * from deep inside services, so they still enter the storage, which is switched off whenever
 * none of them is being answered.
 */
const context = new AsyncLocalStorage<RequestContext>();
/** Requests of the other routes being answered inside `context`. */
let inside = 0;

/** The context of the request being answered, or `undefined` outside one. */
export const currentRequest = (): RequestContext | undefined => context.getStore();

/**
 * Runs `fn` (and everything it starts) inside `request`'s context, until {@link leaveRequest}
 * says it was answered.
 */
export const runInRequest = <T>(request: RequestContext, fn: () => T): T => {
  inside++;
  return context.run(request, fn);
};

/** A request run by {@link runInRequest} was answered: the storage stops when none is left. */
export function leaveRequest(): void {
  if (inside > 0 && --inside === 0) context.disable();
}

const ATTACHED = Symbol('requestContext');

/** Keeps `request` on its response, where the model routes' controllers take it from. */
export function attachRequestContext(res: object, request: RequestContext): void {
  (res as { [ATTACHED]?: RequestContext })[ATTACHED] = request;
}

/** The context the request observer attached to `res`, if any. */
export const requestContextOf = (res: object): RequestContext | undefined =>
  (res as { [ATTACHED]?: RequestContext })[ATTACHED];

/**
 * A log message carrying the request id of `request` (an event with `request_id`, as the logger
 * adds it inside the storage), or the message as it is outside a request.
 */
export function withRequestId(
  request: LogRequest | undefined,
  msg: string,
): string | { msg: string; request_id: string } {
  return request ? { msg, request_id: request.id } : msg;
}
