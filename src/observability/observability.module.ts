import { Module } from '@nestjs/common';
import { DocsModule } from '../docs/docs.module';
import { MetricsModule } from '../metrics/metrics.module';

/**
 * Metrics and API docs; request ids, their context and access logs are the `requestObserver`
 * middleware, set up beside the docs in `configureOperations`.
 */
@Module({ imports: [MetricsModule, DocsModule] })
export class ObservabilityModule {}
