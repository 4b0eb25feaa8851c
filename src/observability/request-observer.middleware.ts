import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InFlightRequests } from '../lifecycle/in-flight-requests';
import { recordHttpRequest, routeTemplate } from '../metrics/http-metrics';
import type { UsageBuffer } from '../usage/usage-buffer';
import { isModelRoute } from '../api/api-body.parser';
import { attachRequestContext, leaveRequest, runInRequest } from './request-context';
import { closeRequestContext, openRequestContext } from './request-access';

/**
 * The one Express middleware of the operational layer, first in front of every route: counts
 * the request in flight (for the shutdown drain), gives it an id and enters its context (so
 * every log line of the request carries the id), and when the response closes records the
 * HTTP metrics and, for a model call, the access line and token usage. One middleware with one
 * `close` listener and one clock read instead of one each per concern: this runs on every call.
 *
 * The model routes take the context from the response (requestContextOf) and hand it on to
 * what logs or counts for the request; every other route is answered inside it (runInRequest),
 * entered here before the body is read: the body reader resumes through promises, which keep
 * the context (a stream callback would not, so no body parser may sit in front of this).
 */
export function requestObserver(inFlight: InFlightRequests, usage?: UsageBuffer) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const started = performance.now();
    const context = openRequestContext(req, res, usage);
    const explicit = isModelRoute(req.url ?? '/');
    inFlight.enter(res);
    res.once('close', () => {
      inFlight.leave();
      if (!explicit) leaveRequest();
      if (!res.writableFinished) context.leaving?.abort();
      const end = {
        method: req.method ?? 'GET',
        route: routeTemplate(req),
        // A response cut before its headers went out never had a status the client saw.
        status: res.headersSent ? res.statusCode : ('aborted' as const),
        latencyMs: performance.now() - started,
      };
      recordHttpRequest(end.method, end.route, end.status, end.latencyMs);
      closeRequestContext(context, end);
    });
    if (!explicit) return runInRequest(context, next);
    attachRequestContext(res, context);
    next();
  };
}
