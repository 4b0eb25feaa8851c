import { AsyncLocalStorage } from 'node:async_hooks';
import type { Namespace } from '../storage/storage-backend.interface';
import type { UsageBuffer } from '../usage/usage-buffer';

/** Token counts of a model call, from Google's usageMetadata. */
export interface TokenUsage {
  input: number;
  output: number;
  thinking: number;
}

/** What the gateway learns about one request while answering it, for its log lines. */
export interface RequestContext {
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
}

const context = new AsyncLocalStorage<RequestContext>();

/** The context of the request being answered, or `undefined` outside one. */
export const currentRequest = (): RequestContext | undefined => context.getStore();

/** Runs `fn` (and everything it starts) inside `request`'s context. */
export const runInRequest = <T>(request: RequestContext, fn: () => T): T =>
  context.run(request, fn);
