import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureDocs } from '../docs/docs.setup';
import { InFlightRequests } from '../lifecycle/in-flight-requests';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { UsageBuffer } from '../usage/usage-buffer';
import { requestIdMiddleware } from './request-id.middleware';

/**
 * The operational layer of the app, set before any route and body parser: the count of requests
 * in flight (for the shutdown drain), HTTP metrics, request ids with access log lines, and the
 * OpenAPI docs.
 * Called by `configureApp`, so the tests' in-process app has it too.
 */
export function configureOperations(app: NestExpressApplication): void {
  app.use(app.get(InFlightRequests).middleware);
  app.use(httpMetricsMiddleware());
  app.use(requestIdMiddleware(app.get(UsageBuffer)));
  configureDocs(app);
}
