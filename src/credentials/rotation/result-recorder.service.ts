import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Timers } from '../../common/timers';
import type {
  Namespace,
  RecordFailureInput,
  CredentialStore,
} from '../../storage/storage-backend.interface';
import { StorageUnavailableError } from '../../storage/storage.errors';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { BoundedQueue } from './bounded-queue';
import { keyOf, SuccessBatch, type SuccessGroup } from './success-batch';

/** Call results kept while storage is away; beyond this the oldest are dropped (and counted). */
export const RESULT_BUFFER_SIZE = 10_000;
/** How often kept results are offered to storage again, in milliseconds. */
const RETRY_MS = 1_000;
/**
 * How long successes are gathered before they are written, in milliseconds. One write per
 * success cost about a tenth of the gateway's CPU per request; gathered, a credential's burst of
 * calls is one write with a count. A quarter second is short enough that other gateway processes
 * and the panel see a success as good as at once, and that a crash loses little.
 */
export const SUCCESS_BATCH_MS = 250;
/**
 * Successes gathered before they are written without waiting out SUCCESS_BATCH_MS: bounds the
 * memory a burst holds and the size of one write, far under storage's MAX_SUCCESS_COUNT.
 */
export const SUCCESS_BATCH_CALLS = 1_000;

/** One write a call's outcome asks of storage; `count` successes stand for one write. */
export type CallResult =
  | { kind: 'success'; ns: Namespace; name: string; modelKey?: string; at: number; count?: number }
  | { kind: 'failure'; ns: Namespace; name: string; input: RecordFailureInput }
  | { kind: 'ban'; ns: Namespace; name: string };

/** What is waiting for storage, for `/health`. */
export interface ResultBacklog {
  /** Call results not written yet: those kept back and the successes gathered for a write. */
  pending: number;
  /** Of `pending`, the results kept back because storage was unavailable. */
  kept: number;
  /** Results dropped because the buffer was full, since the process started. */
  dropped: number;
}

const callsOf = (result: CallResult) => (result.kind === 'success' ? (result.count ?? 1) : 1);

/**
 * Writes the bookkeeping of model calls (successes, failures, auto-bans). Successes are gathered
 * for up to SUCCESS_BATCH_MS and written once per credential and model with a count; a failure
 * or ban first writes the successes its credential gathered, so a later write never undoes it.
 * While storage is unreachable the calls go on from memory, and their results wait here, in
 * order, in a bounded buffer that is written out once storage answers again; a full buffer drops
 * its oldest results and says how many in a warning. Only "storage unavailable" is kept back:
 * any other error is the caller's to see. What waits is written before the app shuts down.
 */
@Injectable()
export class ResultRecorder
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Credentials');
  private readonly kept = new BoundedQueue<CallResult>(RESULT_BUFFER_SIZE);
  private keptCalls = 0;
  private readonly batch = new SuccessBatch();
  /** The success writes in flight, per credential: what a failure of it must wait for. */
  private readonly writing = new Map<string, Promise<void>>();
  private dropped = 0;
  private droppedSinceDrain = 0;
  private warnedFull = false;
  private flushing?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private batchTimer?: unknown;

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    private readonly timers: Timers,
  ) {}

  onModuleInit() {
    this.retryTimer = setInterval(() => void this.retryKept(), RETRY_MS);
    this.retryTimer.unref();
  }

  async beforeApplicationShutdown() {
    await this.flush();
  }

  onApplicationShutdown() {
    clearInterval(this.retryTimer);
    const { pending } = this.backlog;
    if (pending > 0) this.logger.warn(`Shutting down with ${pending} call results never written`);
  }

  get backlog(): ResultBacklog {
    const kept = this.keptCalls;
    return { pending: kept + this.batch.calls, kept, dropped: this.dropped };
  }

  /**
   * Writes the result (a success with the others of its batch), or keeps it when storage is
   * unavailable or earlier results still wait (so they land in order). Resolves once written, to
   * whether the credential was found; to `undefined` when kept.
   */
  record(result: CallResult): Promise<boolean | undefined> {
    if (result.kind !== 'success') return this.recordInOrder(result);
    const group = this.batch.add(result.ns, result.name, result.modelKey, result.at);
    if (this.batch.calls >= SUCCESS_BATCH_CALLS) void this.writeBatch();
    else this.batchTimer ??= this.timers.setTimeout(() => void this.writeBatch(), SUCCESS_BATCH_MS);
    return group.done;
  }

  /**
   * Writes the successes gathered for one credential and waits for those in flight: for a
   * writer outside this recorder that must land after them (a failure it records itself).
   */
  async settle(ns: Namespace, name: string): Promise<void> {
    const groups = this.batch.take(ns, name);
    if (groups) void this.writeGroups(groups);
    await this.writing.get(keyOf({ ns, name }));
  }

  /** Writes the gathered successes now, then the kept results; resolves when done or kept. */
  async flush(): Promise<void> {
    await this.writeBatch();
    await this.retryKept();
  }

  /** Writes the kept results, oldest first, until storage fails again; one run at a time. */
  private retryKept(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async recordInOrder(result: CallResult): Promise<boolean | undefined> {
    await this.settle(result.ns, result.name);
    return this.writeOrKeep(result);
  }

  private async writeBatch(): Promise<void> {
    if (this.batchTimer !== undefined) this.timers.clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    await Promise.all(this.batch.takeAll().map((groups) => this.writeGroups(groups)));
  }

  /** Writes one credential's groups after its writes already in flight; never rejects. */
  private writeGroups(groups: SuccessGroup[]): Promise<void> {
    const key = keyOf(groups[0]);
    const before = this.writing.get(key);
    const done = (async () => {
      await before;
      for (const { ns, name, modelKey, at, count, resolve, reject } of groups) {
        await this.writeOrKeep({ kind: 'success', ns, name, modelKey, at, count }).then(
          resolve,
          reject,
        );
      }
    })();
    this.writing.set(key, done);
    void done.then(() => {
      if (this.writing.get(key) === done) this.writing.delete(key);
    });
    return done;
  }

  private async writeOrKeep(result: CallResult): Promise<boolean | undefined> {
    if (this.kept.size === 0) {
      try {
        return await this.write(result);
      } catch (err) {
        if (!(err instanceof StorageUnavailableError)) throw err;
      }
    }
    this.keep(result);
    return undefined;
  }

  private keep(result: CallResult): void {
    this.keptCalls += callsOf(result);
    const dropped = this.kept.push(result);
    if (!dropped) return;
    this.keptCalls -= callsOf(dropped);
    this.droppedSinceDrain += callsOf(dropped);
    this.dropped += callsOf(dropped);
    if (this.warnedFull) return;
    this.warnedFull = true;
    this.logger.warn(
      `Storage is unavailable and ${RESULT_BUFFER_SIZE} call results wait: ` +
        'dropping the oldest until it is back',
    );
  }

  private async drain(): Promise<void> {
    let written = 0;
    for (let next = this.kept.peek(); next; next = this.kept.peek()) {
      try {
        await this.write(next);
        written += callsOf(next);
      } catch (err) {
        if (err instanceof StorageUnavailableError) return;
        this.logger.warn(`A kept result of ${next.name} was refused: ${(err as Error).message}`);
      }
      if (this.kept.remove(next)) this.keptCalls -= callsOf(next);
    }
    const dropped = this.droppedSinceDrain;
    this.droppedSinceDrain = 0;
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
      case 'success': {
        const { modelKey, at, count } = result;
        return this.credentials.recordSuccess(ns, name, { modelKey, at, count });
      }
      case 'failure':
        return this.credentials.recordFailure(ns, name, result.input);
      case 'ban':
        return this.credentials.updateState(ns, name, { disabled: true });
    }
  }
}
