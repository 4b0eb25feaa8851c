import { Controller, Get, Head, HttpCode } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import type { GatewayEnv } from '../env/env.schema';
import { StorageHealthIndicator } from '../storage/storage.health';
import { ResultsHealthIndicator } from './results.health';

/**
 * Probes, open to all. `/health` answers 200 with `status: ok`, or `status: degraded` while the
 * gateway serves with less than it should: storage unreachable (model calls go on from memory,
 * admin writes answer 503, call results wait in memory), results still waiting to be written,
 * or a start-up that fell back to another backend. It answers 503 only while shutting down.
 * The liveness routes touch nothing.
 */
@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly storage: StorageHealthIndicator,
    private readonly results: ResultsHealthIndicator,
    private readonly config: ConfigService<GatewayEnv, true>,
  ) {}

  @Get('health')
  // Terminus's swagger documentation would load @nestjs/swagger (~40 MiB of RSS) at start-up;
  // the docs add the health responses themselves, when they are first asked for.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  check() {
    const timeout = this.config.get('HEALTH_TIMEOUT_MS', { infer: true });
    return this.health.check([
      () => this.storage.isHealthy('storage', timeout),
      () => this.results.isHealthy('results'),
    ]);
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Head('keepalive')
  @HttpCode(200)
  keepalive(): void {}
}
