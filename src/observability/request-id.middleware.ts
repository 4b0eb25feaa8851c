import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { routeTemplate } from '../metrics/http-metrics.middleware';
import type { UsageBuffer } from '../usage/usage-buffer';
import type { RequestContext } from './request-context';

/** Where the request's context rides on the request until the context middleware enters it. */
export const REQUEST_CONTEXT = Symbol('gcli2api:request-context');

export type RequestWithContext = IncomingMessage & { [REQUEST_CONTEXT]?: RequestContext };

/** A client's own request id is kept only when it is short and plain (it reaches log lines). */
const SANE_ID = /^[\w.:-]{1,64}$/;

const access = new Logger('Access');

/**
 * Gives every request an id (the client's `X-Request-Id` when sane, else a UUID), returns it in
 * the `X-Request-Id` header, and after a model call writes one access log line: route, model,
 * credential name, attempts, status, latency and tokens. The call's tokens go to `usage`.
 */
export function requestIdMiddleware(usage?: UsageBuffer) {
  return (req: RequestWithContext, res: ServerResponse, next: () => void): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    const context: RequestContext = { id, attempts: 0, usage };
    req[REQUEST_CONTEXT] = context;
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    res.once('close', () => {
      if (context.attempts === 0) return;
      const { model, credential, tokens, namespace = 'geminicli' } = context;
      if (tokens && model && credential) usage?.tokens(namespace, credential, model, tokens);
      access.log({
        msg: 'model call',
        request_id: id,
        method: req.method,
        route: routeTemplate(req),
        model: context.model,
        credential: context.credential,
        attempts: context.attempts,
        status: res.headersSent ? res.statusCode : 'aborted',
        latency_ms: Math.round((performance.now() - started) * 100) / 100,
        tokens_in: context.tokens?.input,
        tokens_out: context.tokens?.output,
        tokens_thinking: context.tokens?.thinking,
      });
    });
    next();
  };
}
