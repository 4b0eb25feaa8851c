/** The user-visible names of the four storage backends. */
export type BackendKind = 'valkey' | 'postgresql' | 'mongodb' | 'sqlite';

export const BACKEND_KINDS: readonly BackendKind[] = ['valkey', 'postgresql', 'mongodb', 'sqlite'];

/** Credentials of the two families are stored apart (separate tables, collections or key spaces). */
export type Namespace = 'geminicli' | 'antigravity';

export const NAMESPACES: readonly Namespace[] = ['geminicli', 'antigravity'];

/** A credential file's JSON object, stored exactly as given. */
export type CredentialData = Record<string, unknown>;

/** The live state kept beside each credential, never mixed into its data. */
export interface CredentialState {
  /** A disabled credential is never picked. Default `false`. */
  disabled: boolean;
  /** Distinct HTTP status codes since the last success, oldest first, at most 10. */
  errorCodes: number[];
  /** Unix time in seconds of the last successful call; `null` until the first one. */
  lastSuccess: number | null;
  /** The Google account e-mail, once known. */
  userEmail: string | null;
  /** Model key to unix time in seconds until which that model must not use this credential. */
  modelCooldowns: Record<string, number>;
  /** Successful calls made with this credential. */
  callCount: number;
  /** Why the credential cannot serve (or was disabled by the gateway), or `null`. */
  problem: CredentialProblem | null;
}

/** A machine-readable reason a credential cannot serve, kept in its state. */
export interface CredentialProblem {
  /**
   * `no_project`, `refresh_failed`, `needs_reauth`, `auto_banned`, ...: lower-case letters,
   * digits and `_`, at most 64 characters.
   */
  code: string;
  /** What happened and what to do, without any secret. At most 1000 characters. */
  message: string;
  /** Unix seconds when it was recorded. */
  at: number;
}

/** What the summary lists for one credential: its state, never its secrets. */
export interface CredentialSummary extends CredentialState {
  name: string;
  /** Insertion order, ascending; only the relative order is meaningful. */
  order: number;
}

/** The state fields that may be written directly; counters and lists change through record*. */
export interface CredentialStatePatch {
  disabled?: boolean;
  userEmail?: string | null;
  lastSuccess?: number | null;
  /** `null` clears the problem. */
  problem?: CredentialProblem | null;
}

export interface RecordSuccessInput {
  /** The model key whose cooldown is cleared; omit to clear none. */
  modelKey?: string;
  /** Unix seconds; defaults to now. */
  at?: number;
}

export interface RecordFailureInput {
  /** The HTTP status code to remember. */
  code: number;
  /** With `cooldownUntil`, the model key that cools down. */
  modelKey?: string;
  /** Unix seconds until which `modelKey` must not use this credential. */
  cooldownUntil?: number;
}

export type StatusFilter = 'all' | 'enabled' | 'disabled';
export type CooldownFilter = 'all' | 'in' | 'out';

export interface SummaryQuery {
  /** Rows to skip; default 0. */
  offset?: number;
  /** Rows to return, 1 to 100,000; default 50. */
  limit?: number;
  /** Default `all`. */
  status?: StatusFilter;
  /** Only credentials whose error codes include this code. */
  errorCode?: number;
  /** `in`: some model (or `modelKey`) is cooling down now; `out`: none is. Default `all`. */
  cooldown?: CooldownFilter;
  /** Narrows the cooldown filter to one model key. */
  modelKey?: string;
  /** `any`: credentials with a problem; `none`: without; a code: with that problem. */
  problem?: string;
  /** Unix seconds that count as "now" for cooldowns; defaults to the current time. */
  now?: number;
}

export interface CredentialSummaryPage {
  items: CredentialSummary[];
  /** How many credentials match the filters (before pagination). */
  total: number;
  offset: number;
  limit: number;
  /** Counts over the whole namespace, ignoring filters. */
  stats: { total: number; enabled: number; disabled: number };
}

/** Connection facts safe to show an administrator: no password ever appears here. */
export interface BackendInfo {
  kind: BackendKind;
  /** Redacted URL/DSN, or the database file path for SQLite. */
  target: string;
  host?: string;
  database?: string;
  tls?: boolean;
  /** True for a Valkey/Redis Cluster (`host` then lists its seed nodes). */
  cluster?: boolean;
  pool?: { min: number; max: number };
  counts: { geminicli: number; antigravity: number; config: number };
}

/** One usage counter: a credential's count of `metric` for `model` on `day`. */
export interface UsageCounterKey {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  ns: Namespace;
  credential: string;
  model: string;
  /** `requests`, `successes`, `input_tokens`, `output_tokens`, `thinking_tokens` or `failures:<status>`. */
  metric: string;
}

/** Adds `by` (a positive whole number) to one usage counter, creating it at 0 when missing. */
export interface UsageIncrement extends UsageCounterKey {
  by: number;
}

/** A usage counter and its value. */
export interface UsageCounter extends UsageCounterKey {
  value: number;
}

/** Which usage counters a query or a deletion covers; every field narrows, none means all. */
export interface UsageFilter {
  ns?: Namespace;
  credential?: string;
  model?: string;
  /** First day included, `YYYY-MM-DD`. */
  from?: string;
  /** Last day included, `YYYY-MM-DD`. */
  to?: string;
}

/**
 * Everything the gateway persists. Implementations do I/O and throw typed errors
 * (see storage.errors.ts); "not found" is `null`, `undefined` or `false`, never an exception,
 * and a backend that is down throws, never returns an empty result.
 */
export interface StorageBackend {
  readonly kind: BackendKind;

  /** Opens connections and creates or migrates the schema. Throws when the backend is unreachable. */
  connect(): Promise<void>;
  /** Closes every connection; safe to call twice and after a failed connect. */
  close(): Promise<void>;
  /** One round trip to the server; throws when it is down. */
  ping(): Promise<void>;
  /** Redacted connection facts and item counts. */
  info(): Promise<BackendInfo>;

  /** Inserts or replaces a credential's data; an existing credential keeps its state. */
  upsertCredential(
    ns: Namespace,
    name: string,
    data: CredentialData,
  ): Promise<{ created: boolean }>;
  /** Upserts many credentials in one transaction or pipeline; later duplicates in `items` win. */
  upsertCredentials(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; data: CredentialData }>,
  ): Promise<{ created: number; updated: number }>;
  /**
   * Replaces an existing credential's data (a refreshed token, a discovered project) without
   * touching its state and WITHOUT bumping the change marker: nothing another process indexes
   * changed. `false` when no credential has this name (nothing is created).
   */
  updateCredentialData(ns: Namespace, name: string, data: CredentialData): Promise<boolean>;
  /** The credential's data, or `null` when no credential has exactly this name. */
  getCredential(ns: Namespace, name: string): Promise<CredentialData | null>;
  /** Removes the credential and its state; `false` when it did not exist. */
  deleteCredential(ns: Namespace, name: string): Promise<boolean>;
  /** All names, disabled ones included, in insertion order. */
  listCredentialNames(ns: Namespace): Promise<string[]>;

  /** The credential's state (expired cooldowns left out), or `null` when it does not exist. */
  getState(ns: Namespace, name: string, now?: number): Promise<CredentialState | null>;
  /** Writes the given state fields; `false` when the credential does not exist. */
  updateState(ns: Namespace, name: string, patch: CredentialStatePatch): Promise<boolean>;
  /** Sets (`until` in unix seconds) or clears (`null`) one model's cooldown; `false` when missing. */
  setModelCooldown(
    ns: Namespace,
    name: string,
    modelKey: string,
    until: number | null,
  ): Promise<boolean>;
  /** Atomically: last_success = at, error codes cleared, modelKey's cooldown cleared, call_count + 1. */
  recordSuccess(ns: Namespace, name: string, input?: RecordSuccessInput): Promise<boolean>;
  /** Atomically: adds the code (distinct, last 10) and optionally sets a model cooldown. */
  recordFailure(ns: Namespace, name: string, input: RecordFailureInput): Promise<boolean>;
  /**
   * Replaces the whole state of each named credential with the given one, as a migration or a
   * restore from a backup needs (counters and lists included, which no other method can set).
   * Names that do not exist are skipped. Bumps the change marker once when any item was given.
   */
  restoreStates(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; state: CredentialState }>,
  ): Promise<void>;
  /** A filtered, paginated listing in insertion order, without credential data. */
  summarize(ns: Namespace, query?: SummaryQuery): Promise<CredentialSummaryPage>;

  /** The stored value, exactly as set, or `undefined`. */
  getConfig(key: string): Promise<unknown>;
  /** Stores any JSON value; `undefined` is refused by the validating wrapper. */
  setConfig(key: string, value: unknown): Promise<void>;
  /** `false` when the key was not set. */
  deleteConfig(key: string): Promise<boolean>;
  /**
   * Sets every key in `set` and deletes every key in `remove` as one write: atomic on SQLite,
   * PostgreSQL and Valkey/Redis (all or nothing); on MongoDB applied in order (see backend doc).
   * Bumps the change marker once when anything was given. Empty input is a no-op.
   */
  updateConfig(set: Record<string, unknown>, remove?: readonly string[]): Promise<void>;
  /** Every stored key and value. */
  getAllConfig(): Promise<Record<string, unknown>>;

  /** Stores a short-lived string for `ttlMs` milliseconds, replacing any previous value. */
  setEntry(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only if no live entry exists; `true` when this call stored it. */
  setEntryIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** The live value, or `null` when missing or expired. */
  getEntry(key: string): Promise<string | null>;
  /** Deletes the entry (only if it currently holds `expected`, when given); `true` if deleted. */
  deleteEntry(key: string, expected?: string): Promise<boolean>;

  /** Adds every increment atomically in the database (one transaction or pipeline per call). */
  incrementUsage(increments: readonly UsageIncrement[]): Promise<void>;
  /** The usage counters matching `filter`, ordered by day, namespace, credential, model, metric. */
  listUsage(filter?: UsageFilter): Promise<UsageCounter[]>;
  /** Deletes the usage counters matching `filter`. */
  deleteUsage(filter?: UsageFilter): Promise<void>;

  /**
   * A number that grows whenever credentials are added, removed, enabled, disabled or cooled
   * down, or config changes. Other processes poll it to know when to reload.
   */
  changeVersion(): Promise<number>;
}
