/** Credentials of the two families are stored apart (separate tables, collections or key spaces). */
export type Namespace = 'geminicli' | 'antigravity';

export const NAMESPACES: readonly Namespace[] = ['geminicli', 'antigravity'];

/** A credential file's JSON object, stored exactly as given. */
export type CredentialData = Record<string, unknown>;

/** The live state kept beside each credential, never mixed into its data. */
export interface CredentialState {
  /** A disabled credential is never picked. Default `false`. */
  disabled: boolean;
  /** Distinct HTTP status codes since the last success, oldest first, at most StorageRules.errorCodesKept (10). */
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
  /**
   * How many successful calls this write stands for (a batch of them, the last at `at`): the
   * call count grows by it. A positive integer up to MAX_SUCCESS_COUNT; default 1.
   */
  count?: number;
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

/** What the rotation index of a namespace is built from (see CredentialStore.readRotationState). */
export interface RotationState {
  /**
   * Equal marks, read at two times, mean no credential was added or removed in between; any
   * other change may move it too. `null` when the store cannot tell cheaply.
   */
  namesMark: string | null;
  /** Every name in insertion order; left out when the mark equals the `namesMark` asked with. */
  names?: string[];
  /**
   * Instead of `names`, when the store can prove that since the `namesMark` asked with names
   * were only added (none removed): those names, in insertion order, to append to the caller's.
   */
  appended?: string[];
  /** Names of the disabled credentials. */
  disabled: string[];
  /** The credentials with a live cooldown, each with its live cooldowns only. */
  cooldowns: Array<{ name: string; modelCooldowns: Record<string, number> }>;
}
