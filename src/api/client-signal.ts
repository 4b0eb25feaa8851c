import type { ServerResponse } from 'node:http';
import { type RequestContext, requestContextOf } from '../observability/request-context';

/**
 * The client's side of a model call, handed down to the model caller: what ends the call and
 * whose log lines and counts it is.
 */
export interface ClientScope {
  /** Fires when the client disconnects before its answer was sent. */
  readonly signal: AbortSignal;
  /** The request's context (its id for log lines, what its access line reports). */
  readonly context?: RequestContext;
}

/** An AbortSignal that fires when the client disconnects before its answer was sent. */
export function clientSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * The scope of a model call answered on `res`. Its signal is the context's own, fired by the
 * request observer, which already listens for `close`: no second listener per request.
 */
export function clientScope(res: ServerResponse): ClientScope {
  const context = requestContextOf(res);
  if (!context) return { signal: clientSignal(res) };
  context.leaving ??= new AbortController();
  return { signal: context.leaving.signal, context };
}
