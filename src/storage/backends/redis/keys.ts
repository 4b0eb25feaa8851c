/** Where each thing lives in Valkey/Redis, and how a state hash reads back. */
import type { CredentialState, Namespace } from '../../storage-backend.interface';
import { decodeProblem, liveCooldowns } from '../sql/credential-json';

/** The namespace part of every credential key; the names are those of the Python gateway. */
const NAMESPACE_SEGMENT: Record<Namespace, string> = {
  geminicli: 'creds',
  antigravity: 'ag_creds',
};

/** State hash fields; a model cooldown is the field `cd:<model key>`, so none can collide. */
export const STATE_FIELD = {
  disabled: 'disabled',
  errorCodes: 'error_codes',
  lastSuccess: 'last_success',
  userEmail: 'user_email',
  callCount: 'call_count',
  problem: 'problem',
} as const;

export const COOLDOWN_FIELD_PREFIX = 'cd:';

/** The state hash field that holds `modelKey`'s cooldown (unix seconds). */
export const cooldownField = (modelKey: string) => `${COOLDOWN_FIELD_PREFIX}${modelKey}`;

/**
 * The start of the keys of one group, the keys a script or MULTI touches together. On a single
 * server it is `<prefix><group>`, the names every earlier version wrote; on a cluster the same
 * text is a hash tag, so the whole group hashes to one slot: `gcli:creds:index` becomes
 * `{gcli:creds}:index`. Taking the braces out of a cluster key gives back its single-server name.
 */
export function groupBase(prefix: string, group: string, cluster: boolean): string {
  return cluster ? `{${prefix}${group}}` : `${prefix}${group}`;
}

/**
 * The keys of one namespace. A name is only ever appended to a fixed prefix, never put into a
 * pattern, so `*`, `?`, `[`, `%`, `:` and unicode in names are plain characters.
 *
 * The disabled, error-code and problem indexes are ZSETs scored like the index (by insertion
 * order), so the summary combines them with the index and one another on the server without
 * reading them whole (see summary-script.ts); the cooldown indexes are scored by until, since
 * whether a cooldown is over depends on when one asks. The scripts in scripts.ts keep every index
 * in step with the state hashes; data written before the ordered indexes existed is indexed once
 * on connect (see index-upgrade.ts), and `indexed` says that was done.
 */
export function credentialKeys(prefix: string, ns: Namespace, cluster = false) {
  const base = `${groupBase(prefix, NAMESPACE_SEGMENT[ns], cluster)}:`;
  const errorsPrefix = `${base}ordered:errors:`;
  const cooldownPrefix = `${base}cooldown:`;
  const problemPrefix = `${base}ordered:problem:`;
  return {
    /** ZSET of names, scored by insertion order. */
    index: `${base}index`,
    /** ZSET a summary script fills and deletes within one call (see summary-script.ts). */
    summaryScratch: `${base}summary-scratch`,
    /** Counter that hands out insertion orders. */
    seq: `${base}seq`,
    /** STRING: the version of the indexes' layout once every credential is indexed in it. */
    indexed: `${base}indexed`,
    /** ZSET of the disabled names, scored by order. */
    disabled: `${base}ordered:disabled`,
    /** ZSET of the names whose error codes include `code` (written as Lua's %d does), by order. */
    errors: (code: number) => `${errorsPrefix}${code}`,
    /** What `errors` puts before the code, for the scripts that find the codes in a state hash. */
    errorsPrefix,
    /** ZSET of the names with a cooldown field for `modelKey`, scored by its until. */
    cooldown: (modelKey: string) => `${cooldownPrefix}${modelKey}`,
    /** What `cooldown` puts before the model key, for the scripts (see `errorsPrefix`). */
    cooldownPrefix,
    /**
     * ZSET of the names with any cooldown field, scored by the latest until among them. Not under
     * `cooldownPrefix`, so a model key cannot name it.
     */
    cooling: `${base}cooling`,
    /**
     * ZSET of the names with a problem of that code, by order; `problem(ANY_PROBLEM)` holds every
     * name with a problem (`*` is no code's character, so no code's set can be named that).
     */
    problem: (code: string) => `${problemPrefix}${code}`,
    /** What `problem` puts before the code, for the scripts (see `errorsPrefix`). */
    problemPrefix,
    /**
     * Where versions before the ordered indexes kept them, as SETs: the upgrade deletes them.
     * Nothing else is named under these (every index of a code is under `ordered:` now).
     */
    legacy: {
      disabled: `${base}disabled`,
      errorsPrefix: `${base}errors:`,
      problemPrefix: `${base}problem:`,
    },
    /** STRING: the credential's JSON, exactly as given. */
    data: (name: string) => `${base}data:${name}`,
    /** HASH: the credential's state, see STATE_FIELD. */
    state: (name: string) => `${base}state:${name}`,
    /**
     * The change counter the namespace's scripts raise: the shared one on a single server; on a
     * cluster one of the namespace's own, since a script may only touch keys of its slot.
     */
    version: cluster ? `${base}version` : sharedKeys(prefix).version,
  };
}

export type CredentialKeys = ReturnType<typeof credentialKeys>;

/** The code under which `problem()` names the set of every credential with a problem. */
export const ANY_PROBLEM = '*';

/** The keys shared by both namespaces. */
export function sharedKeys(prefix: string, cluster = false) {
  const base = groupBase(prefix, '', cluster);
  return {
    /** HASH from config key to its JSON-encoded value. */
    config: `${base}config`,
    /**
     * Counter raised on every change another process must notice (on a cluster: every settings
     * change; each namespace counts its own, see `credentialKeys`).
     */
    version: `${base}version`,
    /**
     * STRING with a PX expiry: one short-lived entry. Never tagged: each is read and written alone,
     * so on a cluster the entries spread over every master.
     */
    entry: (key: string) => `${prefix}entry:${key}`,
  };
}

export type SharedKeys = ReturnType<typeof sharedKeys>;

/** The state held in a state hash, or `null` for an empty hash (no such credential). */
export function decodeState(hash: Record<string, string>, now: number): CredentialState | null {
  if (Object.keys(hash).length === 0) return null;
  const cooldowns: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(COOLDOWN_FIELD_PREFIX)) {
      cooldowns[field.slice(COOLDOWN_FIELD_PREFIX.length)] = Number(value);
    }
  }
  return {
    disabled: hash[STATE_FIELD.disabled] === '1',
    errorCodes: JSON.parse(hash[STATE_FIELD.errorCodes] ?? '[]') as number[],
    lastSuccess:
      hash[STATE_FIELD.lastSuccess] === undefined ? null : Number(hash[STATE_FIELD.lastSuccess]),
    userEmail: hash[STATE_FIELD.userEmail] ?? null,
    modelCooldowns: liveCooldowns(cooldowns, now),
    callCount: Number(hash[STATE_FIELD.callCount] ?? 0),
    problem: decodeProblem(hash[STATE_FIELD.problem]),
  };
}
