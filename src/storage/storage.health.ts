import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '../common/with-timeout';
import { StorageComeback } from './comeback/storage-comeback.service';
import type { StorageSelection } from './select-backend';
import type { StorageBackend } from './storage-backend.interface';
import {
  InjectStorage,
  InjectStorageCacheStatus,
  InjectStorageSelection,
} from './storage.decorators';
import type { CacheTierStatus } from './tier/cache-tier-report';

/**
 * Terminus indicator of the storage backend, never `down`: the gateway still serves without it.
 * `up` with the backend kind and ping time; `degraded` when the server does not answer (model
 * calls are served from memory, admin writes answer 503) or when start-up fell back from the
 * configured backend to another one (with which was asked for, which is in use, and why, and
 * whether the one asked for answers again and what a restart would change). With a cache tier
 * (STORAGE_CACHE), its state is shown as `cache`, and a cache that is not serving makes storage
 * `degraded` with the reason: the gateway then serves from the primary alone.
 */
@Injectable()
export class StorageHealthIndicator {
  constructor(
    @InjectStorage() private readonly storage: StorageBackend,
    @InjectStorageSelection() private readonly selection: StorageSelection,
    private readonly health: HealthIndicatorService,
    @InjectStorageCacheStatus() private readonly cache: CacheTierStatus | null,
    private readonly comeback: StorageComeback,
  ) {}

  /** Pings the backend under `timeoutMs`; never throws. */
  async isHealthy(key: string, timeoutMs: number) {
    const indicator = this.health.check(key);
    const backend = this.storage.kind;
    const fallback = this.fallback();
    const started = performance.now();
    try {
      await withTimeout(
        this.storage.ping(),
        timeoutMs,
        () => new Error(`storage did not answer within ${timeoutMs} ms`),
      );
      const pingMs = Math.round((performance.now() - started) * 100) / 100;
      const cache = await this.cacheFacts();
      const facts = { backend, reachable: true, pingMs, ...cache?.facts };
      const why = fallback ?? cache?.degraded;
      return why ? indicator.degraded({ ...facts, ...why }) : indicator.up(facts);
    } catch (err) {
      const message = (err as Error).message;
      const cache = await this.cacheFacts();
      return indicator.degraded({
        backend,
        reachable: false,
        message,
        ...fallback,
        ...cache?.facts,
      });
    }
  }

  /** The cache tier's state, and why it makes storage `degraded` when it is not serving. */
  private async cacheFacts() {
    if (!this.cache) return undefined;
    const { state, reason, pingMs } = await this.cache.report();
    const facts = {
      cache: { state, ...(reason ? { reason } : {}), ...(pingMs ? { pingMs } : {}) },
    };
    if (state === 'up') return { facts };
    const message = `the Valkey cache is ${state} (${reason}): reads are served from ${this.storage.kind} alone`;
    return { facts, degraded: { message } };
  }

  private fallback() {
    const { requested, active, degraded } = this.selection;
    if (!degraded) return undefined;
    const failed = this.selection.attempts.find((a) => a.backend === requested && !a.ok);
    // Whether the requested backend answers now, and what a restart would change.
    const now = this.comeback.status();
    return {
      requested,
      reason:
        `${requested} was configured but ${active} is in use: ${requested} could not be reached ` +
        `at start-up${failed?.error ? ` (${failed.error})` : ''}`,
      ...(now && {
        requestedReachable: now.reachable,
        requestedCheckedAt: now.checkedAt,
        advice: now.advice,
      }),
    };
  }
}
