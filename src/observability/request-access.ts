import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { logLevelEnabled } from '../common/gateway-logger';
import type { UsageBuffer } from '../usage/usage-buffer';
import type { RequestContext } from './request-context';

/** A client's own request id is kept only when it is short and plain (it reaches log lines). */
const SANE_ID = /^[\w.:-]{1,64}$/;

const access = new Logger('Access');

/**
 * The context of a new request: its id (the client's `X-Request-Id` when sane, else a UUID),
 * returned in the `X-Request-Id` header. The call's tokens will go to `usage`.
 */
export function openRequestContext(
  req: IncomingMessage,
  res: ServerResponse,
  usage?: UsageBuffer,
): RequestContext {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return { id, attempts: 0, usage };
}

/** How a request ended, as its access line and metrics tell it. */
export interface RequestEnd {
  method: string;
  /** The route template (see routeTemplate). */
  route: string;
  /** The status sent, or `aborted` when the response was cut before its headers went out. */
  status: number | 'aborted';
  latencyMs: number;
}

/**
 * After a model call (a request that made upstream attempts): its tokens go to the usage buffer
 * and one access log line is written (when LOG_LEVEL lets info lines through): route, model, credential name, attempts, status, latency
 * and tokens. Other requests leave nothing.
 */
export function closeRequestContext(context: RequestContext, end: RequestEnd): void {
  if (context.attempts === 0) return;
  const { id, model, credential, tokens, namespace = 'geminicli' } = context;
  if (tokens && model && credential) context.usage?.tokens(namespace, credential, model, tokens);
  // Built only when written: below LOG_LEVEL=info (a common production choice) it costs nothing.
  if (!logLevelEnabled('info')) return;
  access.log({
    msg: 'model call',
    request_id: id,
    method: end.method,
    route: end.route,
    model,
    credential,
    attempts: context.attempts,
    status: end.status,
    latency_ms: Math.round(end.latencyMs * 100) / 100,
    tokens_in: tokens?.input,
    tokens_out: tokens?.output,
    tokens_thinking: tokens?.thinking,
  });
}
