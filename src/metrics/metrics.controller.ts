import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Public } from '../auth/auth.decorators';
import type { GatewayEnv } from '../env/env.schema';
import { OperatorAccess } from '../observability/operator-access';
import { gatewayMetrics } from './gateway-metrics';
import { PoolMetricsCollector } from './pool-metrics.collector';

type Response = {
  setHeader(name: string, value: string): void;
  status(code: number): Response;
  send(body: string): void;
};

/**
 * `GET /metrics`: Prometheus text format. The global guard lets it through (`@Public()`) so a
 * scraper can use its own token: `Authorization: Bearer <METRICS_TOKEN>`, or a panel session;
 * with METRICS_TOKEN unset only a panel session reads it.
 */
@Controller()
@Public()
export class MetricsController {
  constructor(
    private readonly access: OperatorAccess,
    private readonly pool: PoolMetricsCollector,
    private readonly config: ConfigService<GatewayEnv, true>,
  ) {}

  @Get('metrics')
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const token = this.config.get('METRICS_TOKEN', { infer: true });
    await this.access.require(authorization, res, token, 'METRICS_TOKEN');
    await this.pool.collect(this.config.get('HEALTH_TIMEOUT_MS', { infer: true }));
    res.setHeader('Content-Type', gatewayMetrics.registry.contentType);
    res.status(200).send(await gatewayMetrics.registry.metrics());
  }
}
