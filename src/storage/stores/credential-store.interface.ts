import type {
  CredentialData,
  CredentialState,
  CredentialStatePatch,
  CredentialSummaryPage,
  Namespace,
  RecordFailureInput,
  RecordSuccessInput,
  RotationState,
  SummaryQuery,
} from './credential.types';

/**
 * The credentials of both namespaces: their data (secrets), their live state and the summaries
 * the rotation and the admin pages read. "Not found" is `null` or `false`, never an exception;
 * a backend that is down throws.
 */
export interface CredentialStore {
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
  /**
   * The data of those of `names` that exist, in one query or round trip (a page of an export:
   * callers ask for at most a few hundred at a time); names that do not exist are left out.
   */
  getCredentials(ns: Namespace, names: readonly string[]): Promise<Map<string, CredentialData>>;
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
  /**
   * Atomically: last_success = at, error codes cleared, modelKey's cooldown cleared,
   * call_count + count (default 1).
   */
  recordSuccess(ns: Namespace, name: string, input?: RecordSuccessInput): Promise<boolean>;
  /**
   * Atomically: adds the code (distinct, only the last `StorageRules.errorCodesKept` kept) and
   * optionally sets a model cooldown.
   */
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
  /**
   * What the rotation index is built from, in as few reads as the store allows: the names mark,
   * read BEFORE the names so that a name added meanwhile moves it again; the names unless the
   * mark equals `namesMark` (the caller's copy is then current) or, where the store can tell,
   * only the names appended since; the disabled names; the cooldowns live at `now` (unix seconds).
   */
  readRotationState(
    ns: Namespace,
    options: { now: number; namesMark?: string | null },
  ): Promise<RotationState>;
  /** A filtered, paginated listing in insertion order, without credential data. */
  summarize(ns: Namespace, query?: SummaryQuery): Promise<CredentialSummaryPage>;
}
