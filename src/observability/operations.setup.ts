import type { NestExpressApplication } from '@nestjs/platform-express';
import { corsHeaders } from '../common/cors';
import { configureDocs } from '../docs/docs.setup';
import { InFlightRequests } from '../lifecycle/in-flight-requests';
import { UsageBuffer } from '../usage/usage-buffer';
import { requestObserver } from './request-observer.middleware';

/**
 * The operational layer of the app, set before any route and body parser: the count of requests
 * in flight (for the shutdown drain), HTTP metrics, request ids and their context with access log
 * lines (one middleware, see requestObserver), CORS headers, and the OpenAPI docs.
 * Called by `configureApp`, so the tests' in-process app has it too.
 */
export function configureOperations(app: NestExpressApplication): void {
  app.use(requestObserver(app.get(InFlightRequests), app.get(UsageBuffer)));
  app.use(corsHeaders());
  configureDocs(app);
}
