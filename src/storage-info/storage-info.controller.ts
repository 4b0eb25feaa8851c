import { Controller, Get } from '@nestjs/common';
import { StorageComeback } from '../storage/comeback/storage-comeback.service';
import type { StorageSelection } from '../storage/select-backend';
import type { StorageBackend } from '../storage/storage-backend.interface';
import {
  InjectStorage,
  InjectStorageCacheStatus,
  InjectStorageSelection,
} from '../storage/storage.decorators';
import { type CacheTierStatus, describeTiers } from '../storage/tier/cache-tier-report';

/**
 * `GET /api/auth/storage-info`: which backend is active, what was asked for and tried (errors
 * redacted), connection facts without passwords, item counts and a ping time. With a cache tier
 * (STORAGE_CACHE), `tiers` shows the primary and the cache with the state of each; after a
 * fall-back, `requested_status` says whether the backend asked for answers again.
 */
@Controller('api/auth')
export class StorageInfoController {
  constructor(
    @InjectStorage() private readonly storage: StorageBackend,
    @InjectStorageSelection() private readonly selection: StorageSelection,
    @InjectStorageCacheStatus() private readonly cache: CacheTierStatus | null,
    private readonly comeback: StorageComeback,
  ) {}

  @Get('storage-info')
  async info() {
    const started = performance.now();
    await this.storage.ping();
    const pingMs = Math.round((performance.now() - started) * 100) / 100;
    const { kind, counts, ...connection } = await this.storage.info();
    return {
      backend: kind,
      requested: this.selection.requested,
      degraded: this.selection.degraded,
      fallback_enabled: this.selection.fallbackEnabled,
      attempts: this.selection.attempts.map((a) => ({
        backend: a.backend,
        label: a.label,
        target: a.target,
        ok: a.ok,
        ...(a.error === undefined ? {} : { error: a.error }),
        duration_ms: a.durationMs,
      })),
      connection,
      counts,
      ping_ms: pingMs,
      ...(this.cache
        ? {
            tiers: await describeTiers(
              { backend: kind, target: connection.target, pingMs },
              this.cache,
            ),
          }
        : {}),
      ...this.requestedNow(),
    };
  }

  /** On a degraded gateway: whether the backend asked for answers now, and what to do about it. */
  private requestedNow() {
    const status = this.comeback.status();
    if (!status) return {};
    return {
      requested_status: {
        backend: status.requested,
        target: status.target,
        reachable: status.reachable,
        checked_at: status.checkedAt,
        reachable_since: status.reachableSince,
        ...(status.error === undefined ? {} : { error: status.error }),
        advice: status.advice,
      },
    };
  }
}
