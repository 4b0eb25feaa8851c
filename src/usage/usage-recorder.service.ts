import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { GatewayEnv } from '../env/env.schema';
import type { UsageFilter, UsageStore } from '../storage/storage-backend.interface';
import { InjectUsageStore } from '../storage/storage.decorators';
import { StorageValidationError, UsageWriteError } from '../storage/storage.errors';
import { UsageBuffer, utcDay } from './usage-buffer';

/** Old counters are pruned on one flush in this many (and at start-up). */
const PRUNE_EVERY = 1_800;

/**
 * Writes the usage the buffer gathered to storage every USAGE_FLUSH_MS, off the request path,
 * and once more when the app shuts down; a flush that fails keeps its counts for the next one.
 * Counters older than USAGE_RETENTION_DAYS are deleted now and then.
 */
@Injectable()
export class UsageRecorder implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Usage');
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private flushes = 0;

  constructor(
    readonly buffer: UsageBuffer,
    @InjectUsageStore() private readonly usage: UsageStore,
    private readonly config: ConfigService<GatewayEnv, true>,
  ) {}

  onModuleInit(): void {
    const every = this.config.get('USAGE_FLUSH_MS', { infer: true });
    this.timer = setInterval(() => void this.flush(), every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Writes what is buffered; resolves when it is stored (or kept for the next try). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** Deletes the stored counters `filter` covers, after writing what is buffered. */
  async reset(filter: UsageFilter): Promise<void> {
    await this.flush();
    await this.usage.deleteUsage(filter);
  }

  private async write(): Promise<void> {
    const batch = this.buffer.drain();
    try {
      if (batch.length > 0) await this.usage.incrementUsage(batch);
    } catch (err) {
      if (err instanceof StorageValidationError) {
        // Storage refuses it every time: kept, it would hold up every flush after this one.
        this.logger.error(`Usage counts refused by storage, dropped: ${err.message}`);
      } else {
        // What was written stays written: only the rest is tried again.
        this.buffer.restore(err instanceof UsageWriteError ? err.unwritten : batch);
        this.logger.warn(
          `Could not store usage counts (kept for the next try): ${(err as Error).message}`,
        );
      }
    }
    // Apart from the write: a batch that was stored must not be put back when pruning fails.
    if (this.flushes++ % PRUNE_EVERY === 0) {
      await this.prune().catch((err: Error) =>
        this.logger.warn(`Could not delete old usage counts: ${err.message}`),
      );
    }
  }

  private async prune(): Promise<void> {
    const days = this.config.get('USAGE_RETENTION_DAYS', { infer: true });
    const cutoff = new Date(Date.now() - days * 86_400_000);
    cutoff.setUTCDate(cutoff.getUTCDate() - 1);
    await this.usage.deleteUsage({ to: utcDay(cutoff) });
  }
}
