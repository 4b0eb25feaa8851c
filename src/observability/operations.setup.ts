import type { NestExpressApplication } from '@nestjs/platform-express';
import { InFlightRequests } from '../lifecycle/in-flight-requests';

/**
 * The operational layer of the app, set before any route: the count of requests in flight (for
 * the shutdown drain). Called by `configureApp`, so the tests' in-process app has it too.
 */
export function configureOperations(app: NestExpressApplication): void {
  app.use(app.get(InFlightRequests).middleware);
}
