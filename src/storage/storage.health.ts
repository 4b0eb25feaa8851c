import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '../common/with-timeout';
import type { StorageBackend } from './storage-backend.interface';
import { InjectStorage } from './storage.decorators';

/** Terminus indicator: `up` with the backend kind and ping time, or `down` with the reason. */
@Injectable()
export class StorageHealthIndicator {
  constructor(
    @InjectStorage() private readonly storage: StorageBackend,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Pings the backend under `timeoutMs`; never throws. */
  async isHealthy(key: string, timeoutMs: number) {
    const indicator = this.health.check(key);
    const started = performance.now();
    try {
      await withTimeout(
        this.storage.ping(),
        timeoutMs,
        () => new Error(`storage did not answer within ${timeoutMs} ms`),
      );
      const pingMs = Math.round((performance.now() - started) * 100) / 100;
      return indicator.up({ backend: this.storage.kind, pingMs });
    } catch (err) {
      return indicator.down({ backend: this.storage.kind, message: (err as Error).message });
    }
  }
}
