import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type LogRequest, withRequestId } from '../../observability/request-context';
import { SettingsService } from '../../config/settings.service';
import type {
  CredentialState,
  Namespace,
  CredentialStore,
} from '../../storage/storage-backend.interface';
import { StorageChanges } from '../../storage/storage-changes.service';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { loadSnapshot } from './index-loader';
import { type HeaderSource, parseQuotaReset } from './quota-reset';
import { ResultRecorder } from './result-recorder.service';
import { retriesWithAnotherCredential } from './retry-rule';
import { RotationIndex } from './rotation-index';
import { problemOf } from '../problems';

/** What a failed upstream call reported. */
export interface CallFailure {
  /** The HTTP status; 0 or undefined for a network error or timeout. */
  status?: number;
  /** The model key the call was for (see modelKeyFor); a 429 cools only this model down. */
  modelKey?: string;
  /** The error body, parsed or as text; read for Google's quota reset time. */
  body?: unknown;
  headers?: HeaderSource;
}

export interface FailureOutcome {
  /** Unix seconds until which the credential now cools down for the model, when a 429 said. */
  cooldownUntil?: number;
  /** The credential was disabled by auto-ban. */
  banned: boolean;
  /** Another credential may be tried (see retriesWithAnotherCredential); the caller obeys it. */
  retryable: boolean;
}

type Mutation = (index: RotationIndex, now: number) => void;

interface Slot {
  index?: RotationIndex;
  loading?: Promise<RotationIndex>;
  /** Another reload was asked for while one ran. */
  again: boolean;
  /** The last reload failed: the index may be behind storage. */
  stale: boolean;
  /** This process's own changes made while a reload runs, replayed onto its result. */
  journal?: Mutation[];
}

const nowSeconds = () => Date.now() / 1000;

/**
 * Which credential serves the next call, and what its calls did. Picks come from an in-memory
 * RotationIndex per namespace, loaded on first use and reloaded whenever StorageChanges reports a
 * change made by any gateway process; this process's own writes update it at once.
 */
@Injectable()
export class CredentialRotation implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Credentials');
  private readonly slots: Record<Namespace, Slot> = {
    geminicli: { again: false, stale: false },
    antigravity: { again: false, stale: false },
  };
  private unsubscribe?: () => void;

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    private readonly changes: StorageChanges,
    private readonly settings: SettingsService,
    private readonly results: ResultRecorder,
  ) {}

  onModuleInit() {
    this.unsubscribe = this.changes.subscribe(() => this.reloadLoaded());
  }

  onApplicationShutdown() {
    this.unsubscribe?.();
  }

  /**
   * The name of an enabled credential not cooling down for `modelKey`, round-robin in insertion
   * order, each serving `calls_per_rotation` picks in a row; `null` when there is none.
   */
  async pick(ns: Namespace, modelKey: string): Promise<string | null> {
    const slot = this.slots[ns];
    const index = slot.index ?? (await this.reload(ns));
    if (slot.stale && !slot.loading) this.reload(ns).catch(() => undefined);
    return index.pick(modelKey, nowSeconds(), this.settings.get('calls_per_rotation'));
  }

  /** How many credentials of `ns` could serve `modelKey` right now. */
  async eligibleCount(ns: Namespace, modelKey: string): Promise<number> {
    const index = this.slots[ns].index ?? (await this.reload(ns));
    return index.eligibleCount(modelKey, nowSeconds());
  }

  /**
   * A successful call: last success now, error codes and the model's cooldown cleared, count + 1.
   * This process's index changes at once; the write is gathered with other successes for up to
   * SUCCESS_BATCH_MS (so resolves that much later: the model caller does not wait for it), and
   * while storage is unavailable waits in the ResultRecorder.
   */
  async recordSuccess(ns: Namespace, name: string, modelKey?: string): Promise<void> {
    if (modelKey !== undefined) {
      this.mutate(ns, (index, now) => index.setCooldown(name, modelKey, null, now));
    }
    await this.results.record({ kind: 'success', ns, name, modelKey, at: nowSeconds() });
  }

  /**
   * A failed call: remembers the status, cools the model down until the reset time a 429 gives,
   * ends the credential's rotation turn when another credential may do better, and disables the
   * credential when auto-ban is on for that status. A network error (no status) is not recorded.
   * The index changes at once; while storage is unavailable the writes wait in the ResultRecorder.
   */
  async recordFailure(
    ns: Namespace,
    name: string,
    failure: CallFailure,
    request?: LogRequest,
  ): Promise<FailureOutcome> {
    const { status, modelKey } = failure;
    const http = status !== undefined && Number.isInteger(status) && status >= 100 && status <= 999;
    const retryable = retriesWithAnotherCredential(http ? status : undefined);
    const cooldownUntil =
      status === 429 && modelKey !== undefined
        ? parseQuotaReset(failure.body, failure.headers)
        : undefined;
    this.mutate(ns, (index, now) => {
      if (cooldownUntil !== undefined && modelKey !== undefined) {
        index.setCooldown(name, modelKey, cooldownUntil, now);
      }
      if (retryable) index.rotateAway(name);
    });
    let banned = false;
    if (http) {
      const cooldown = cooldownUntil === undefined ? {} : { modelKey, cooldownUntil };
      await this.results.record({
        kind: 'failure',
        ns,
        name,
        input: { code: status, ...cooldown },
      });
      if (this.autoBans(ns, status)) {
        this.mutate(ns, (index, now) => index.setDisabled(name, true, now));
        banned = (await this.results.record({ kind: 'ban', ns, name })) !== false;
      }
    }
    if (banned) {
      const message = `[AUTO_BAN] Status ${status} triggers auto-ban for credential: ${name}`;
      this.logger.warn(withRequestId(request, message));
      // Says who disabled it: the recovery job may lift an auto-ban, never a person's disable.
      const why = `auto-banned after HTTP ${status}; re-enabled once a probe succeeds`;
      await this.credentials.updateState(ns, name, {
        problem: problemOf('auto_banned', why, Date.now()),
      });
    }
    return { ...(cooldownUntil === undefined ? {} : { cooldownUntil }), banned, retryable };
  }

  /** Enables or disables a credential in storage and in this process's index at once. */
  async setDisabled(ns: Namespace, name: string, disabled: boolean): Promise<boolean> {
    const found = await this.credentials.updateState(ns, name, { disabled });
    if (found) this.mutate(ns, (index, now) => index.setDisabled(name, disabled, now));
    return found;
  }

  /**
   * Brings the index in line with a state just read from storage (`null`: the credential is
   * gone), without writing anything: for a caller that learnt it before the next reload.
   */
  noteState(ns: Namespace, name: string, state: CredentialState | null): void {
    this.mutate(ns, (index, now) => {
      index.setDisabled(name, state === null || state.disabled, now);
      for (const [modelKey, until] of Object.entries(state?.modelCooldowns ?? {})) {
        index.setCooldown(name, modelKey, until, now);
      }
    });
  }

  /** Ends the current rotation turn of `name`, so that the next pick moves on. */
  rotateAway(ns: Namespace, name: string): void {
    this.mutate(ns, (index) => index.rotateAway(name));
  }

  /**
   * Re-reads the namespace's state from storage and swaps the index in; concurrent calls share one
   * read, and a call made during a read causes one more.
   */
  reload(ns: Namespace): Promise<RotationIndex> {
    const slot = this.slots[ns];
    if (slot.loading) {
      slot.again = true;
      return slot.loading;
    }
    slot.loading = this.load(ns, slot);
    return slot.loading;
  }

  private async load(ns: Namespace, slot: Slot): Promise<RotationIndex> {
    try {
      do {
        slot.again = false;
        slot.journal = [];
        const started = performance.now();
        const snapshot = await loadSnapshot(this.credentials, ns, slot.index);
        const index = new RotationIndex(snapshot, slot.index);
        for (const mutation of slot.journal) mutation(index, nowSeconds());
        slot.index = index;
        slot.stale = false;
        const ms = Math.round(performance.now() - started);
        this.logger.debug(`Loaded the ${ns} rotation index: ${index.size} credentials in ${ms} ms`);
      } while (slot.again);
      return slot.index;
    } catch (err) {
      slot.stale = true;
      throw err;
    } finally {
      slot.loading = undefined;
      slot.journal = undefined;
    }
  }

  private async reloadLoaded(): Promise<void> {
    const loaded = (Object.keys(this.slots) as Namespace[]).filter((ns) => this.slots[ns].index);
    await Promise.all(loaded.map((ns) => this.reload(ns)));
  }

  private mutate(ns: Namespace, mutation: Mutation): void {
    const slot = this.slots[ns];
    if (slot.index) mutation(slot.index, nowSeconds());
    slot.journal?.push(mutation);
  }

  private autoBans(ns: Namespace, status: number): boolean {
    const antigravity = ns === 'antigravity';
    const enabled = this.settings.get(antigravity ? 'ag_auto_ban_enabled' : 'auto_ban_enabled');
    const codes = this.settings.get(
      antigravity ? 'ag_auto_ban_error_codes' : 'auto_ban_error_codes',
    );
    return enabled && codes.includes(status);
  }
}
