import { liveCooldowns } from '../backends/sql/credential-json';
import type {
  CredentialData,
  CredentialState,
  CredentialStatePatch,
  CredentialSummaryPage,
  Namespace,
  RecordFailureInput,
  RecordSuccessInput,
  StorageBackend,
  SummaryQuery,
  UsageFilter,
  UsageIncrement,
} from '../storage-backend.interface';
import type { StorageErrorClass } from '../storage.errors';
import { SYSTEM_CLOCK, secondsOf, type StorageClock } from '../storage-clock';
import { VALUE_FIELD } from './cache-keys';
import type { CacheTier } from './cache-tier';
import type { CacheTierStatus } from './cache-tier-report';
import { configItem, readAllConfig } from './config-items';
import { jsonItem, readThrough } from './read-through';

/**
 * What `changeVersion` adds to the primary's marker while the cache is not serving, so a switch
 * of source is always seen as a change and never mistaken for the cache's own counter.
 */
const PRIMARY_VERSION_OFFSET = 2 ** 48;

/**
 * The seed's "tiered storage": a durable primary (PostgreSQL, MongoDB or SQLite) with Valkey in
 * front as a cache. Every write goes to the primary and is acknowledged only after it commits;
 * the cached copies it touches are deleted and held back from fills meanwhile (see `write`).
 * Hot reads (config, credential data and state, names, summaries without a cooldown
 * filter) are served from the cache, filled on a miss under a token that a concurrent write
 * voids. Short-lived entries are written to the primary and copied into the cache, so they
 * survive the cache's loss. The change counter lives in the cache, so other instances see a
 * change at their next poll without asking the primary. A failing cache is skipped (see
 * CacheTier); a failing primary fails the call, as it would alone.
 */
export class TieredStorage implements StorageBackend {
  constructor(
    private readonly primary: StorageBackend,
    private readonly cache: CacheTier,
    /** Where cooldowns are judged live (tests pass a frozen clock). */
    clock: StorageClock = SYSTEM_CLOCK,
  ) {
    this.now = secondsOf(clock);
  }

  /** Unix seconds now. */
  private readonly now: () => number;

  get kind() {
    return this.primary.kind;
  }

  /** Errors that reach the caller are the primary's: the cache's own are absorbed as "down". */
  classifyError(err: unknown): StorageErrorClass {
    return this.primary.classifyError?.(err) ?? 'failed';
  }

  /** The cache tier's live status, for `/health` and `storage-info`. */
  get cacheStatus(): CacheTierStatus {
    return this.cache;
  }

  async connect(): Promise<void> {
    await this.primary.connect();
    await this.cache.start();
  }
  async close(): Promise<void> {
    await this.cache.close();
    await this.primary.close();
  }
  ping() {
    return this.primary.ping();
  }
  info() {
    return this.primary.info();
  }

  upsertCredential(ns: Namespace, name: string, data: CredentialData) {
    return this.write(this.primary.upsertCredential(ns, name, data), this.listed(ns, [name]));
  }
  upsertCredentials(ns: Namespace, items: ReadonlyArray<{ name: string; data: CredentialData }>) {
    const names = items.map((item) => item.name);
    return this.write(this.primary.upsertCredentials(ns, items), this.listed(ns, names));
  }
  updateCredentialData(ns: Namespace, name: string, data: CredentialData) {
    const keys = [this.cache.keys.data(ns, name)];
    return this.write(this.primary.updateCredentialData(ns, name, data), keys, () => false);
  }
  getCredential(ns: Namespace, name: string) {
    const load = () => this.primary.getCredential(ns, name);
    return readThrough(this.cache, jsonItem(this.cache.keys.data(ns, name), VALUE_FIELD, load));
  }
  /** From the primary: a page of an export is read once, and would only churn the cache. */
  getCredentials(ns: Namespace, names: readonly string[]) {
    return this.primary.getCredentials(ns, names);
  }
  deleteCredential(ns: Namespace, name: string) {
    return this.write(this.primary.deleteCredential(ns, name), this.listed(ns, [name]), Boolean);
  }
  listCredentialNames(ns: Namespace) {
    const load = () => this.primary.listCredentialNames(ns);
    return readThrough(this.cache, jsonItem(this.cache.keys.names(ns), VALUE_FIELD, load));
  }

  /**
   * Straight from the primary: its names mark and names then come from one source, and a cached
   * copy of the names, stale until a write's invalidation lands, can never pair with a newer mark.
   */
  readRotationState(ns: Namespace, options: { now: number; namesMark?: string | null }) {
    return this.primary.readRotationState(ns, options);
  }

  async getState(ns: Namespace, name: string, now?: number): Promise<CredentialState | null> {
    // Cached with every cooldown (as at time 0), so the copy is right at any later `now`.
    const load = () => this.primary.getState(ns, name, 0);
    const state = await readThrough(
      this.cache,
      jsonItem(this.cache.keys.state(ns, name), VALUE_FIELD, load),
    );
    return (
      state && { ...state, modelCooldowns: liveCooldowns(state.modelCooldowns, now ?? this.now()) }
    );
  }
  updateState(ns: Namespace, name: string, patch: CredentialStatePatch) {
    const writes = Object.values(patch).some((value) => value !== undefined);
    const done = this.primary.updateState(ns, name, patch);
    return this.write(done, this.stated(ns, [name]), (ok) => ok && writes);
  }
  setModelCooldown(ns: Namespace, name: string, modelKey: string, until: number | null) {
    const done = this.primary.setModelCooldown(ns, name, modelKey, until);
    return this.write(done, this.stated(ns, [name]), Boolean);
  }
  recordSuccess(ns: Namespace, name: string, input?: RecordSuccessInput) {
    const done = this.primary.recordSuccess(ns, name, input);
    return this.write(done, this.stated(ns, [name]), () => false);
  }
  recordFailure(ns: Namespace, name: string, input: RecordFailureInput) {
    const cools = input.cooldownUntil !== undefined;
    const done = this.primary.recordFailure(ns, name, input);
    return this.write(done, this.stated(ns, [name]), (ok) => ok && cools);
  }
  restoreStates(ns: Namespace, items: ReadonlyArray<{ name: string; state: CredentialState }>) {
    const names = items.map((item) => item.name);
    return this.write(this.primary.restoreStates(ns, items), this.stated(ns, names));
  }
  async summarize(ns: Namespace, query: SummaryQuery = {}): Promise<CredentialSummaryPage> {
    // A cooldown filter depends on the time of the call, so its answer is not cached.
    if (query.cooldown === 'in' || query.cooldown === 'out')
      return this.primary.summarize(ns, query);
    const { offset, limit, status, errorCode, problem } = query;
    const field = JSON.stringify([offset, limit, status, errorCode, problem]);
    const load = () => this.primary.summarize(ns, { ...query, cooldown: 'all', now: 0 });
    const page = await readThrough(
      this.cache,
      jsonItem(this.cache.keys.summaries(ns), field, load),
    );
    const now = query.now ?? this.now();
    const items = page.items.map((item) => ({
      ...item,
      modelCooldowns: liveCooldowns(item.modelCooldowns, now),
    }));
    return { ...page, items };
  }

  getConfig(key: string) {
    return readThrough(this.cache, configItem(this.cache.keys.config, key, this.loadConfig));
  }
  setConfig(key: string, value: unknown) {
    return this.write(this.primary.setConfig(key, value), [this.cache.keys.config]);
  }
  deleteConfig(key: string) {
    return this.write(this.primary.deleteConfig(key), [this.cache.keys.config], Boolean);
  }
  updateConfig(set: Record<string, unknown>, remove?: readonly string[]) {
    return this.write(this.primary.updateConfig(set, remove), [this.cache.keys.config]);
  }
  getAllConfig() {
    return readAllConfig(this.cache, this.loadConfig);
  }

  async setEntry(key: string, value: string, ttlMs: number) {
    try {
      await this.primary.setEntry(key, value, ttlMs);
    } catch (err) {
      await this.cache.invalidate([this.cache.keys.entry(key)]);
      throw err;
    }
    await this.cache.setEntry(key, value, ttlMs);
  }
  async setEntryIfAbsent(key: string, value: string, ttlMs: number) {
    // The primary decides who wins, so a lease stays exclusive across a cache outage.
    const stored = await this.primary.setEntryIfAbsent(key, value, ttlMs);
    if (stored) await this.cache.setEntry(key, value, ttlMs);
    return stored;
  }
  async getEntry(key: string) {
    return (await this.cache.getEntry(key)) ?? this.primary.getEntry(key);
  }
  deleteEntry(key: string, expected?: string) {
    return this.write(this.primary.deleteEntry(key, expected), [], () => false, key);
  }

  incrementUsage(increments: readonly UsageIncrement[]) {
    return this.primary.incrementUsage(increments);
  }
  listUsage(filter?: UsageFilter) {
    return this.primary.listUsage(filter);
  }
  deleteUsage(filter?: UsageFilter) {
    return this.primary.deleteUsage(filter);
  }

  async changeVersion() {
    const cached = await this.cache.version();
    if (cached !== undefined) return cached;
    return PRIMARY_VERSION_OFFSET + (await this.primary.changeVersion());
  }

  private readonly loadConfig = () => this.primary.getAllConfig();

  /**
   * Acknowledges a primary write without a cache round trip after the commit (issue 13: writes
   * within 1.3x of the primary alone), and never serves a stale copy after the acknowledgement:
   *
   * 1. While the primary writes, `beginWrite` deletes the copies in `keys` (and the copy of
   *    `entry`), voiding their fill tokens, and marks the items pending for this write (a set with
   *    a short expiry, so a crashed writer cannot hold fills back for long). While marked, no
   *    fill token is handed out and no fill stores: reads miss and go to the primary.
   * 2. The write is acknowledged once both the primary answered and the cache has the mark, so
   *    from then on no copy older than the commit can be read: every copy was deleted by step 1,
   *    a fill whose token was claimed before it finds its token gone, and none claimed after.
   * 3. Without being awaited, `endWrite` lifts the mark, deletes the copies again and raises the
   *    change counter when `bump` says the primary raised its own. A token claimed after that
   *    was claimed after the commit, so its fill holds the new value. If the mark expired before
   *    the commit (a write slower than half the expiry), a fill may have stored an older value:
   *    the second deletion removes it, and the acknowledgement then waits for it.
   *
   * A failed write ends the same way, since it may have committed before its answer was lost.
   * A cache that fails in either step is counted down and flushed before it serves again.
   */
  private async write<T>(
    done: Promise<T>,
    keys: string[],
    bump: (result: T) => boolean = () => true,
    entry?: string,
  ): Promise<T> {
    const copies = entry === undefined ? [] : [this.cache.keys.entry(entry)];
    const [outcome, pending] = await Promise.all([
      done.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      this.cache.beginWrite(keys, copies),
    ]);
    const raise = outcome.ok ? bump(outcome.value) : keys.length > 0;
    const ended = this.cache.endWrite(pending, raise);
    if (this.cache.outlived(pending)) await ended;
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** The copies a change of these credentials' state makes stale. */
  private stated(ns: Namespace, names: readonly string[]): string[] {
    const { state, summaries } = this.cache.keys;
    return [...names.map((name) => state(ns, name)), summaries(ns)];
  }

  /** The copies adding or removing these credentials makes stale. */
  private listed(ns: Namespace, names: readonly string[]): string[] {
    const { data, names: list } = this.cache.keys;
    return [...this.stated(ns, names), ...names.map((name) => data(ns, name)), list(ns)];
  }
}
