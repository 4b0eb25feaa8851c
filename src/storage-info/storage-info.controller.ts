import { Controller, Get } from '@nestjs/common';
import type { StorageSelection } from '../storage/select-backend';
import type { StorageBackend } from '../storage/storage-backend.interface';
import { InjectStorage, InjectStorageSelection } from '../storage/storage.decorators';

/**
 * `GET /api/auth/storage-info`: which backend is active, what was asked for and tried (errors
 * redacted), connection facts without passwords, item counts and a ping time.
 */
@Controller('api/auth')
export class StorageInfoController {
  constructor(
    @InjectStorage() private readonly storage: StorageBackend,
    @InjectStorageSelection() private readonly selection: StorageSelection,
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
    };
  }
}
