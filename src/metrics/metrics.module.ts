import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OperatorAccess } from '../observability/operator-access';
import { MetricsController } from './metrics.controller';
import { PoolMetricsCollector } from './pool-metrics.collector';

/** `GET /metrics` and what fills its scrape-time gauges. */
@Module({
  imports: [AuthModule],
  controllers: [MetricsController],
  providers: [OperatorAccess, PoolMetricsCollector],
})
export class MetricsModule {}
