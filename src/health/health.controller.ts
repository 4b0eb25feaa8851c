import { Controller, Get, Head, HttpCode } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import type { GatewayEnv } from '../env/env.schema';
import { StorageHealthIndicator } from '../storage/storage.health';

/** Probes, open to all: `/health` checks storage (503 when down); the liveness routes touch nothing. */
@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly storage: StorageHealthIndicator,
    private readonly config: ConfigService<GatewayEnv, true>,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    const timeout = this.config.get('HEALTH_TIMEOUT_MS', { infer: true });
    return this.health.check([() => this.storage.isHealthy('storage', timeout)]);
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Head('keepalive')
  @HttpCode(200)
  keepalive(): void {}
}
