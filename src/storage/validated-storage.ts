import { redactSecrets } from '../common/redact-url';
import type {
  BackendInfo,
  BackendKind,
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
} from './storage-backend.interface';
import {
  StorageConflictError,
  StorageError,
  type StorageErrorClass,
  StorageUnavailableError,
} from './storage.errors';
import { type StorageClock, SYSTEM_CLOCK } from './storage-clock';
import { STORAGE_RULES, type StorageRules } from './storage-rules';
import {
  checkCount,
  checkData,
  checkEntry,
  checkJson,
  checkKey,
  checkName,
  checkNamespace,
  checkProblem,
  checkProblemCode,
  checkState,
  checkTime,
  invalid,
} from './storage-validation';
import { checkUsageFilter, checkUsageIncrements } from './usage-validation';

const MAX_LIMIT = 100_000;

/** The typed error of each class a backend puts its driver's errors in. */
const ERROR_TYPES: Record<StorageErrorClass, new (m: string, b?: BackendKind) => StorageError> = {
  unavailable: StorageUnavailableError,
  conflict: StorageConflictError,
  failed: StorageError,
};

export interface ValidatedStorageOptions {
  /** The rules the arguments are checked against. Default STORAGE_RULES. */
  rules?: StorageRules;
  /** The clock of a summary's default `now`. Default the system clock. */
  clock?: StorageClock;
}

/**
 * The rules that hold for every backend, written once: argument validation, and the translation
 * of driver errors into typed, redacted storage errors (typed by the backend's own
 * `classifyError`). It delegates everything else.
 */
export class ValidatedStorage implements StorageBackend {
  private readonly rules: StorageRules;
  private readonly clock: StorageClock;

  constructor(
    private readonly inner: StorageBackend,
    private readonly secrets: readonly string[] = [],
    options: ValidatedStorageOptions = {},
  ) {
    this.rules = options.rules ?? STORAGE_RULES;
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  get kind() {
    return this.inner.kind;
  }

  async connect() {
    return this.call(() => this.inner.connect());
  }
  async close() {
    return this.call(() => this.inner.close());
  }
  async ping() {
    return this.call(() => this.inner.ping());
  }
  async info(): Promise<BackendInfo> {
    return this.call(() => this.inner.info());
  }

  async upsertCredential(ns: Namespace, name: string, data: CredentialData) {
    checkNamespace(ns, this.rules);
    checkName(name);
    checkData(data);
    return this.call(() => this.inner.upsertCredential(ns, name, data));
  }
  async upsertCredentials(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; data: CredentialData }>,
  ) {
    checkNamespace(ns, this.rules);
    if (!Array.isArray(items)) invalid('items must be an array');
    for (const item of items) {
      checkName(item?.name);
      checkData(item.data);
    }
    if (items.length === 0) return { created: 0, updated: 0 };
    return this.call(() => this.inner.upsertCredentials(ns, items));
  }
  async updateCredentialData(ns: Namespace, name: string, data: CredentialData) {
    checkNamespace(ns, this.rules);
    checkName(name);
    checkData(data);
    return this.call(() => this.inner.updateCredentialData(ns, name, data));
  }
  async getCredential(ns: Namespace, name: string) {
    checkNamespace(ns, this.rules);
    checkName(name);
    return this.call(() => this.inner.getCredential(ns, name));
  }
  async getCredentials(ns: Namespace, names: readonly string[]) {
    checkNamespace(ns, this.rules);
    names.forEach(checkName);
    return this.call(() => this.inner.getCredentials(ns, names));
  }
  async deleteCredential(ns: Namespace, name: string) {
    checkNamespace(ns, this.rules);
    checkName(name);
    return this.call(() => this.inner.deleteCredential(ns, name));
  }
  async listCredentialNames(ns: Namespace) {
    checkNamespace(ns, this.rules);
    return this.call(() => this.inner.listCredentialNames(ns));
  }
  async readRotationState(ns: Namespace, options: { now: number; namesMark?: string | null }) {
    checkNamespace(ns, this.rules);
    return this.call(() => this.inner.readRotationState(ns, options));
  }

  async getState(ns: Namespace, name: string, now?: number): Promise<CredentialState | null> {
    checkNamespace(ns, this.rules);
    checkName(name);
    if (now !== undefined) checkTime('now', now);
    return this.call(() => this.inner.getState(ns, name, now));
  }
  async updateState(ns: Namespace, name: string, patch: CredentialStatePatch) {
    checkNamespace(ns, this.rules);
    checkName(name);
    if (patch.disabled !== undefined && typeof patch.disabled !== 'boolean') {
      invalid('disabled must be a boolean');
    }
    if (patch.userEmail != null && typeof patch.userEmail !== 'string') {
      invalid('userEmail must be a string or null');
    }
    if (patch.lastSuccess != null) checkTime('lastSuccess', patch.lastSuccess);
    if (patch.problem !== undefined) checkProblem(patch.problem);
    return this.call(() => this.inner.updateState(ns, name, patch));
  }
  async setModelCooldown(ns: Namespace, name: string, modelKey: string, until: number | null) {
    checkNamespace(ns, this.rules);
    checkName(name);
    checkKey('modelKey', modelKey);
    if (until !== null) checkTime('until', until);
    return this.call(() => this.inner.setModelCooldown(ns, name, modelKey, until));
  }
  async recordSuccess(ns: Namespace, name: string, input: RecordSuccessInput = {}) {
    checkNamespace(ns, this.rules);
    checkName(name);
    if (input.modelKey !== undefined) checkKey('modelKey', input.modelKey);
    if (input.at !== undefined) checkTime('at', input.at);
    if (input.count !== undefined) checkCount('count', input.count);
    return this.call(() => this.inner.recordSuccess(ns, name, input));
  }
  async recordFailure(ns: Namespace, name: string, input: RecordFailureInput) {
    checkNamespace(ns, this.rules);
    checkName(name);
    if (!Number.isInteger(input?.code) || input.code < 100 || input.code > 999) {
      invalid('code must be an HTTP status code (100-999)');
    }
    if ((input.modelKey === undefined) !== (input.cooldownUntil === undefined)) {
      invalid('modelKey and cooldownUntil go together');
    }
    if (input.modelKey !== undefined) checkKey('modelKey', input.modelKey);
    if (input.cooldownUntil !== undefined) checkTime('cooldownUntil', input.cooldownUntil);
    return this.call(() => this.inner.recordFailure(ns, name, input));
  }
  async restoreStates(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; state: CredentialState }>,
  ) {
    checkNamespace(ns, this.rules);
    if (!Array.isArray(items)) invalid('items must be an array');
    for (const item of items) {
      checkName(item?.name);
      checkState(item.state, this.rules);
    }
    if (items.length === 0) return;
    return this.call(() => this.inner.restoreStates(ns, items));
  }
  async summarize(ns: Namespace, query: SummaryQuery = {}): Promise<CredentialSummaryPage> {
    checkNamespace(ns, this.rules);
    const q: SummaryQuery = { ...query };
    q.offset = q.offset ?? 0;
    q.limit = q.limit ?? 50;
    q.status = q.status ?? 'all';
    q.cooldown = q.cooldown ?? 'all';
    q.now = q.now ?? this.clock.now() / 1000;
    if (!Number.isInteger(q.offset) || q.offset < 0) invalid('offset must be an integer >= 0');
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT) {
      invalid(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    if (!['all', 'enabled', 'disabled'].includes(q.status)) {
      invalid('status must be all, enabled or disabled');
    }
    if (!['all', 'in', 'out'].includes(q.cooldown)) invalid('cooldown must be all, in or out');
    if (q.errorCode !== undefined && !Number.isInteger(q.errorCode)) {
      invalid('errorCode must be an integer');
    }
    if (q.modelKey !== undefined) checkKey('modelKey', q.modelKey);
    if (q.problem !== undefined) checkProblemCode('problem', q.problem);
    checkTime('now', q.now);
    return this.call(() => this.inner.summarize(ns, q));
  }

  async getConfig(key: string) {
    checkKey('key', key);
    return this.call(() => this.inner.getConfig(key));
  }
  async setConfig(key: string, value: unknown) {
    checkKey('key', key);
    checkJson(value);
    return this.call(() => this.inner.setConfig(key, value));
  }
  async deleteConfig(key: string) {
    checkKey('key', key);
    return this.call(() => this.inner.deleteConfig(key));
  }
  async updateConfig(set: Record<string, unknown>, remove: readonly string[] = []) {
    if (set === null || typeof set !== 'object' || Array.isArray(set)) {
      invalid('set must be an object');
    }
    if (!Array.isArray(remove)) invalid('remove must be an array of keys');
    for (const [key, value] of Object.entries(set)) {
      checkKey('key', key);
      checkJson(value, `set[${JSON.stringify(key)}]`);
    }
    for (const key of remove) {
      checkKey('key', key);
      if (Object.hasOwn(set, key)) invalid(`key ${JSON.stringify(key)} is both set and removed`);
    }
    if (Object.keys(set).length === 0 && remove.length === 0) return;
    return this.call(() => this.inner.updateConfig(set, remove));
  }
  async getAllConfig() {
    return this.call(() => this.inner.getAllConfig());
  }

  async setEntry(key: string, value: string, ttlMs: number) {
    checkEntry(key, value, ttlMs);
    return this.call(() => this.inner.setEntry(key, value, ttlMs));
  }
  async setEntryIfAbsent(key: string, value: string, ttlMs: number) {
    checkEntry(key, value, ttlMs);
    return this.call(() => this.inner.setEntryIfAbsent(key, value, ttlMs));
  }
  async getEntry(key: string) {
    checkKey('key', key);
    return this.call(() => this.inner.getEntry(key));
  }
  async deleteEntry(key: string, expected?: string) {
    checkKey('key', key);
    return this.call(() => this.inner.deleteEntry(key, expected));
  }

  async incrementUsage(increments: readonly UsageIncrement[]) {
    checkUsageIncrements(increments);
    if (increments.length === 0) return;
    return this.call(() => this.inner.incrementUsage(increments));
  }
  async listUsage(filter: UsageFilter = {}) {
    checkUsageFilter(filter);
    return this.call(() => this.inner.listUsage(filter));
  }
  async deleteUsage(filter: UsageFilter = {}) {
    checkUsageFilter(filter);
    return this.call(() => this.inner.deleteUsage(filter));
  }

  async changeVersion() {
    return this.call(() => this.inner.changeVersion());
  }

  private call<T>(op: () => Promise<T>): Promise<T> {
    return op().catch((err: unknown) => {
      throw this.translate(err);
    });
  }

  private translate(err: unknown): StorageError {
    const raw = err instanceof Error ? err.message : String(err);
    let message = redactSecrets(raw);
    for (const secret of this.secrets) {
      if (secret) message = message.split(secret).join('***');
    }
    if (err instanceof StorageError) {
      if (message === err.message) return err;
      const Redacted = err.constructor as new (m: string, b?: BackendKind) => StorageError;
      // Fields of the error's own (UsageWriteError.unwritten) go along; the message does not.
      return Object.assign(new Redacted(message, err.backend), { ...err });
    }
    // The backend that owns the driver knows what its errors mean; this wrapper only types them.
    const Type = ERROR_TYPES[this.inner.classifyError?.(err) ?? 'failed'];
    return new Type(`${this.kind} storage: ${message}`, this.kind);
  }
}
