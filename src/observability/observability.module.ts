import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { DocsModule } from '../docs/docs.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RequestContextMiddleware } from './request-context.middleware';

/** Metrics, request ids and access logs; API docs are set up beside it in `configureOperations`. */
@Module({ imports: [MetricsModule, DocsModule] })
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*');
  }
}
