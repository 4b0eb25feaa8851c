import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type {
  Namespace,
  RecordFailureInput,
  CredentialStore,
} from '../../storage/storage-backend.interface';
import { StorageUnavailableError } from '../../storage/storage.errors';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { BoundedQueue } from './bounded-queue';

/** Call results kept while storage is away; beyond this the oldest are dropped (and counted). */
export const RESULT_BUFFER_SIZE = 10_000;
/** How often kept results are offered to storage again, in milliseconds. */
const RETRY_MS = 1_000;

/** One write a call's outcome asks of storage. */
export type CallResult =
  | { kind: 'success'; ns: Namespace; name: string; modelKey?: string; at: number }
  | { kind: 'failure'; ns: Namespace; name: string; input: RecordFailureInput }
  | { kind: 'ban'; ns: Namespace; name: string };

/** What is waiting for storage, for `/health`. */
export interface ResultBacklog {
  /** Results kept in memory, not yet written. */
  pending: number;
  /** Results dropped because the buffer was full, since the process started. */
  dropped: number;
}

/**
 * Writes the bookkeeping of model calls (successes, failures, auto-bans). While storage is
 * unreachable the calls go on from memory, and their results wait here, in order, in a bounded
 * buffer that is written out once storage answers again; a full buffer drops its oldest results
 * and says how many in a warning. Only "storage unavailable" is kept back: any other error is
 * the caller's to see.
 */
@Injectable()
export class ResultRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Credentials');
  private readonly pending = new BoundedQueue<CallResult>(RESULT_BUFFER_SIZE);
  private dropped = 0;
  private warnedFull = false;
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(@InjectCredentialStore() private readonly credentials: CredentialStore) {}

  onModuleInit() {
    this.timer = setInterval(() => void this.flush(), RETRY_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
    if (this.pending.size > 0) {
      this.logger.warn(`Shutting down with ${this.pending.size} call results never written`);
    }
  }

  get backlog(): ResultBacklog {
    return { pending: this.pending.size, dropped: this.dropped };
  }

  /**
   * Writes the result, or keeps it when storage is unavailable or earlier results still wait
   * (so they land in order). Resolves to whether the credential was found, `undefined` when kept.
   */
  async record(result: CallResult): Promise<boolean | undefined> {
    if (this.pending.size === 0) {
      try {
        return await this.write(result);
      } catch (err) {
        if (!(err instanceof StorageUnavailableError)) throw err;
      }
    }
    this.keep(result);
    return undefined;
  }

  /** Writes the kept results, oldest first, until storage fails again; one run at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private keep(result: CallResult): void {
    if (!this.pending.push(result) || this.warnedFull) return;
    this.warnedFull = true;
    this.logger.warn(
      `Storage is unavailable and ${RESULT_BUFFER_SIZE} call results wait: ` +
        'dropping the oldest until it is back',
    );
  }

  private async drain(): Promise<void> {
    let written = 0;
    for (let next = this.pending.peek(); next; next = this.pending.peek()) {
      try {
        await this.write(next);
        written++;
      } catch (err) {
        if (err instanceof StorageUnavailableError) return;
        this.logger.warn(`A kept result of ${next.name} was refused: ${(err as Error).message}`);
      }
      this.pending.remove(next);
    }
    const dropped = this.pending.takeDropped();
    this.dropped += dropped;
    this.warnedFull = false;
    if (written > 0) this.logger.log(`Storage is back: wrote ${written} kept call results`);
    if (dropped > 0) {
      this.logger.warn(
        `${dropped} call results were dropped while storage was unavailable ` +
          `(at most ${RESULT_BUFFER_SIZE} are kept)`,
      );
    }
  }

  private write(result: CallResult): Promise<boolean> {
    const { ns, name } = result;
    switch (result.kind) {
      case 'success':
        return this.credentials.recordSuccess(ns, name, {
          modelKey: result.modelKey,
          at: result.at,
        });
      case 'failure':
        return this.credentials.recordFailure(ns, name, result.input);
      case 'ban':
        return this.credentials.updateState(ns, name, { disabled: true });
    }
  }
}
