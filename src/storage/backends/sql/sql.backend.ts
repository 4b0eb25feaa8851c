import type {
  BackendInfo,
  BackendKind,
  CredentialData,
  CredentialState,
  CredentialStatePatch,
  CredentialSummary,
  CredentialSummaryPage,
  Namespace,
  RecordFailureInput,
  RecordSuccessInput,
  StorageBackend,
  SummaryQuery,
  UsageFilter,
  UsageIncrement,
} from '../../storage-backend.interface';
import { StorageUnavailableError } from '../../storage.errors';
import { decodeProblem, encodeProblem, latestCooldown, liveCooldowns } from './credential-json';
import type { SqlDialect } from './sql-dialect';
import type { SqlDriver } from './sql-driver';
import {
  CONFIG_STATEMENTS as CONFIG,
  CREDENTIAL_TABLES,
  credentialStatements,
  type CredentialStatements,
  ENTRY_STATEMENTS as ENTRY,
  META_STATEMENTS as META,
} from './sql-statements';
import { FOLD_DELTAS } from './summary-counts';
import { countedSummary, scannedSummary, type SummaryTable } from './summary-pages';
import { summaryFilters } from './summary-sql';
import { readRotationState, rotationStatements } from './rotation-sql';
import { usageSql } from './usage-sql';
import { secondsOf, type StorageClock, SYSTEM_CLOCK } from '../../storage-clock';
import { STORAGE_RULES, type StorageRules } from '../../storage-rules';

type StateRow = {
  filename: string;
  rotation_order: number;
  id: number;
  disabled: unknown;
  error_codes: unknown;
  last_success: number | null;
  user_email: string | null;
  model_cooldowns: unknown;
  call_count: number | string;
  problem: string | null;
};

/** Expired entries are purged on one write in this many. */
const PURGE_EVERY = 200;

/**
 * Everything PostgreSQL and SQLite share: the statements, row mapping and the storage rules.
 * A subclass opens the connection (`open`), closes it (`shutdown`) and describes it (`describe`).
 */
export abstract class SqlBackend implements StorageBackend {
  abstract readonly kind: BackendKind;
  private driver?: SqlDriver;
  private readonly tables = {
    geminicli: credentialStatements(CREDENTIAL_TABLES.geminicli),
    antigravity: credentialStatements(CREDENTIAL_TABLES.antigravity),
  } satisfies Record<Namespace, CredentialStatements>;
  private readonly rotation = {
    geminicli: rotationStatements(CREDENTIAL_TABLES.geminicli),
    antigravity: rotationStatements(CREDENTIAL_TABLES.antigravity),
  };
  private writes = 0;

  private readonly nowSeconds: () => number;

  protected constructor(
    private readonly dialect: SqlDialect,
    private readonly rules: StorageRules = STORAGE_RULES,
    clock: StorageClock = SYSTEM_CLOCK,
  ) {
    this.nowSeconds = secondsOf(clock);
  }

  /** Opens the connection, runs the migrations and returns a driver over it. */
  protected abstract open(): Promise<SqlDriver>;
  /** Closes what `open` opened; must not throw when nothing is open. */
  protected abstract shutdown(): Promise<void>;
  /** Redacted connection facts for `info()`. */
  protected abstract describe(): Omit<BackendInfo, 'kind' | 'counts'>;

  async connect(): Promise<void> {
    this.driver = await this.open();
  }

  async close(): Promise<void> {
    this.driver = undefined;
    await this.shutdown();
  }

  async ping(): Promise<void> {
    await this.db.get('SELECT 1 AS ok');
  }

  async info(): Promise<BackendInfo> {
    const count = async (sql: string) => Number((await this.db.get<{ n: unknown }>(sql))?.n ?? 0);
    return {
      kind: this.kind,
      ...this.describe(),
      counts: {
        geminicli: await count(this.tables.geminicli.count),
        antigravity: await count(this.tables.antigravity.count),
        config: await count(CONFIG.count),
      },
    };
  }

  async upsertCredential(ns: Namespace, name: string, data: CredentialData) {
    const t = this.tables[ns];
    const existed = await this.db.get(t.exists, [name]);
    const now = this.nowSeconds();
    await this.db.run(t.upsert, [name, JSON.stringify(data), null, now, now]);
    // Raised even for a replaced credential: `existed` may be stale by the time of the upsert.
    await this.db.run(this.rotation[ns].bumpNames);
    await this.bump();
    return { created: !existed };
  }

  async upsertCredentials(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; data: CredentialData }>,
  ) {
    const t = this.tables[ns];
    const now = this.nowSeconds();
    const unique = new Map(items.map((item) => [item.name, item.data]));
    const before = await this.count(t.count);
    const rows = [...unique].map(([name, data]) => [name, JSON.stringify(data), null, now, now]);
    await this.db.runMany(t.upsert, rows);
    // A bulk import leaves a change row per credential: added up here, not by the next page.
    if (this.dialect.summaryTriggers)
      await this.db.run(FOLD_DELTAS, [CREDENTIAL_TABLES[ns], CREDENTIAL_TABLES[ns]]);
    const created = (await this.count(t.count)) - before;
    await this.db.run(this.rotation[ns].bumpNames);
    await this.bump();
    return { created, updated: unique.size - created };
  }

  async updateCredentialData(ns: Namespace, name: string, data: CredentialData) {
    const params = [JSON.stringify(data), this.nowSeconds(), name];
    return (await this.db.run(this.tables[ns].setData, params)) > 0;
  }

  async getCredential(ns: Namespace, name: string) {
    const row = await this.db.get<{ credential_data: unknown }>(this.tables[ns].getData, [name]);
    return row ? (this.dialect.decodeJson(row.credential_data) as CredentialData) : null;
  }

  async getCredentials(ns: Namespace, names: readonly string[]) {
    const found = new Map<string, CredentialData>();
    if (names.length === 0) return found;
    const rows = await this.db.all<{ filename: string; credential_data: unknown }>(
      this.tables[ns].getDataOf(names.length),
      [...names],
    );
    for (const row of rows) {
      found.set(row.filename, this.dialect.decodeJson(row.credential_data) as CredentialData);
    }
    return found;
  }

  async deleteCredential(ns: Namespace, name: string) {
    const deleted = await this.db.run(this.tables[ns].delete, [name]);
    if (deleted > 0) await this.db.run(this.rotation[ns].bumpNames);
    return this.changed(deleted);
  }

  async listCredentialNames(ns: Namespace) {
    return this.db.column<string>(this.tables[ns].listNames);
  }

  readRotationState(ns: Namespace, options: { now: number; namesMark?: string | null }) {
    const names = () => this.listCredentialNames(ns);
    // PostgreSQL hands out ids before commit: a row may show up below a known id, so no tails.
    const serialized = this.kind === 'sqlite';
    return readRotationState(this.db, this.dialect, this.rotation[ns], names, {
      ...options,
      serialized,
    });
  }

  async getState(
    ns: Namespace,
    name: string,
    now = this.nowSeconds(),
  ): Promise<CredentialState | null> {
    const row = await this.db.get<StateRow>(this.tables[ns].getState, [name]);
    return row ? this.toState(row, now) : null;
  }

  async updateState(ns: Namespace, name: string, patch: CredentialStatePatch) {
    const t = this.tables[ns];
    const now = this.nowSeconds();
    const steps = [];
    if (patch.disabled !== undefined) {
      steps.push({ sql: t.setDisabled, params: [patch.disabled ? 1 : 0, now, name] });
    }
    if (patch.userEmail !== undefined)
      steps.push({ sql: t.setEmail, params: [patch.userEmail, now, name] });
    if (patch.lastSuccess !== undefined) {
      steps.push({ sql: t.setLastSuccess, params: [patch.lastSuccess, now, name] });
    }
    if (patch.problem !== undefined) {
      steps.push({ sql: t.setProblem, params: [encodeProblem(patch.problem), now, name] });
    }
    if (steps.length === 0) return (await this.db.get(t.exists, [name])) !== undefined;
    const changes = await this.db.batch(steps);
    return this.changed(changes[0]);
  }

  async setModelCooldown(ns: Namespace, name: string, modelKey: string, until: number | null) {
    const params = [modelKey, until, until, until, this.nowSeconds(), name];
    return this.changed(await this.db.run(this.tables[ns].setCooldown, params));
  }

  async recordSuccess(ns: Namespace, name: string, input: RecordSuccessInput = {}) {
    const t = this.tables[ns];
    const at = input.at ?? this.nowSeconds();
    const count = input.count ?? 1;
    const changes =
      input.modelKey === undefined
        ? await this.db.run(t.recordSuccessNoModel, [at, count, name])
        : await this.db.run(t.recordSuccess, [at, count, input.modelKey, name]);
    return changes > 0;
  }

  async recordFailure(ns: Namespace, name: string, input: RecordFailureInput) {
    const t = this.tables[ns];
    const kept = this.rules.errorCodesKept;
    if (input.modelKey === undefined || input.cooldownUntil === undefined) {
      return (await this.db.run(t.recordFailure, [input.code, kept, name])) > 0;
    }
    const { code, modelKey, cooldownUntil } = input;
    const params = [code, kept, modelKey, cooldownUntil, cooldownUntil, cooldownUntil, name];
    return this.changed(await this.db.run(t.recordFailureCooldown, params));
  }

  async restoreStates(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; state: CredentialState }>,
  ) {
    const now = this.nowSeconds();
    const rows = items.map(({ name, state: s }) => [
      s.disabled ? 1 : 0,
      JSON.stringify(s.errorCodes),
      s.lastSuccess,
      s.userEmail,
      JSON.stringify(s.modelCooldowns),
      latestCooldown(JSON.stringify(s.modelCooldowns)),
      s.callCount,
      encodeProblem(s.problem ?? null),
      now,
      name,
    ]);
    await this.db.runMany(this.tables[ns].restoreState, rows);
    await this.bump();
  }

  async summarize(ns: Namespace, query: SummaryQuery = {}): Promise<CredentialSummaryPage> {
    const { offset = 0, limit = 50, now = this.nowSeconds() } = query;
    const filters = summaryFilters(query, now, this.dialect);
    const table: SummaryTable = { name: CREDENTIAL_TABLES[ns], statements: this.tables[ns] };
    const page = this.dialect.summaryTriggers ? countedSummary : scannedSummary;
    const { rows, total, stats } = await page<StateRow>(this.db, table, filters, offset, limit);
    return {
      items: rows.map((row): CredentialSummary => ({
        name: row.filename,
        order: Number(row.rotation_order),
        ...this.toState(row, now),
      })),
      total,
      offset,
      limit,
      stats: {
        total: stats.total,
        enabled: stats.total - stats.disabled,
        disabled: stats.disabled,
      },
    };
  }

  async getConfig(key: string) {
    const row = await this.db.get<{ value: unknown }>(CONFIG.get, [key]);
    return row ? this.dialect.decodeJson(row.value) : undefined;
  }

  async setConfig(key: string, value: unknown) {
    await this.db.run(CONFIG.set, [key, JSON.stringify(value), this.nowSeconds()]);
    await this.bump();
  }

  async deleteConfig(key: string) {
    return this.changed(await this.db.run(CONFIG.delete, [key]));
  }

  async updateConfig(set: Record<string, unknown>, remove: readonly string[] = []) {
    const now = this.nowSeconds();
    const writes = Object.entries(set).map(([key, value]) => ({
      sql: CONFIG.set,
      params: [key, JSON.stringify(value), now],
    }));
    const deletes = remove.map((key) => ({ sql: CONFIG.delete, params: [key] }));
    if (writes.length + deletes.length === 0) return;
    // The marker row is locked first, so concurrent updates queue there instead of deadlocking
    // on config rows taken in different orders.
    await this.db.batch([{ sql: META.bump, params: [] }, ...writes, ...deletes]);
  }

  async getAllConfig() {
    const rows = await this.db.all<{ key: string; value: unknown }>(CONFIG.all);
    return Object.fromEntries(rows.map((row) => [row.key, this.dialect.decodeJson(row.value)]));
  }

  async setEntry(key: string, value: string, ttlMs: number) {
    await this.db.run(ENTRY.set, [key, value, this.nowSeconds() + ttlMs / 1000]);
    await this.maybePurge();
  }

  async setEntryIfAbsent(key: string, value: string, ttlMs: number) {
    const now = this.nowSeconds();
    const changes = await this.db.run(ENTRY.setIfAbsent, [key, value, now + ttlMs / 1000, now]);
    await this.maybePurge();
    return changes > 0;
  }

  async getEntry(key: string) {
    const row = await this.db.get<{ value: string }>(ENTRY.get, [key, this.nowSeconds()]);
    return row ? row.value : null;
  }

  async deleteEntry(key: string, expected?: string) {
    const changes =
      expected === undefined
        ? await this.db.run(ENTRY.delete, [key, this.nowSeconds()])
        : await this.db.run(ENTRY.deleteIf, [key, this.nowSeconds(), expected]);
    return changes > 0;
  }

  incrementUsage(increments: readonly UsageIncrement[]) {
    return usageSql.increment(this.db, increments);
  }
  listUsage(filter: UsageFilter = {}) {
    return usageSql.list(this.db, filter);
  }
  deleteUsage(filter: UsageFilter = {}) {
    return usageSql.delete(this.db, filter);
  }

  async changeVersion() {
    return Number((await this.db.get<{ value: unknown }>(META.version))?.value ?? 0);
  }

  private get db(): SqlDriver {
    if (!this.driver)
      throw new StorageUnavailableError(`${this.kind} storage is not connected`, this.kind);
    return this.driver;
  }

  private toState(row: StateRow, now: number): CredentialState {
    return {
      disabled: this.dialect.decodeBool(row.disabled),
      errorCodes: (this.dialect.decodeJson(row.error_codes) as number[] | null) ?? [],
      lastSuccess: row.last_success == null ? null : Number(row.last_success),
      userEmail: row.user_email ?? null,
      modelCooldowns: liveCooldowns(this.dialect.decodeJson(row.model_cooldowns), now),
      callCount: Number(row.call_count ?? 0),
      problem: decodeProblem(row.problem),
    };
  }

  private async count(sql: string, params: readonly unknown[] = []) {
    return Number((await this.db.get<{ n: unknown }>(sql, params))?.n ?? 0);
  }

  /** Bumps the change marker after a change other processes must notice; passes `changes` on. */
  private async changed(changes: number): Promise<boolean> {
    if (changes > 0) await this.bump();
    return changes > 0;
  }

  private async bump() {
    await this.db.run(META.bump);
  }

  private async maybePurge() {
    if (++this.writes % PURGE_EVERY === 0) await this.db.run(ENTRY.purge, [this.nowSeconds()]);
  }
}
