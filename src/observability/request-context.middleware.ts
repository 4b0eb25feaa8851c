import { Injectable, type NestMiddleware } from '@nestjs/common';
import { runInRequest } from './request-context';
import { REQUEST_CONTEXT, type RequestWithContext } from './request-id.middleware';

/**
 * Enters the request's context for the rest of its handling. A Nest middleware, so it runs after
 * the body parsers: their stream callbacks would otherwise leave the async context behind.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: RequestWithContext, _res: unknown, next: () => void): void {
    const context = req[REQUEST_CONTEXT];
    if (context) runInRequest(context, next);
    else next();
  }
}
