import type { Namespace } from '../../storage-backend.interface';

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
} as const;

export const COOLDOWN_FIELD_PREFIX = 'cd:';

/** The state hash field that holds `modelKey`'s cooldown (unix seconds). */
export const cooldownField = (modelKey: string) => `${COOLDOWN_FIELD_PREFIX}${modelKey}`;

/**
 * The keys of one namespace. A name is only ever appended to a fixed prefix, never put into a
 * pattern, so `*`, `?`, `[`, `%`, `:` and unicode in names are plain characters.
 */
export function credentialKeys(prefix: string, ns: Namespace) {
  const base = `${prefix}${NAMESPACE_SEGMENT[ns]}:`;
  return {
    /** ZSET of names, scored by insertion order. */
    index: `${base}index`,
    /** Counter that hands out insertion orders. */
    seq: `${base}seq`,
    /** SET of the disabled names, so the summary's totals need no scan. */
    disabled: `${base}disabled`,
    /** STRING: the credential's JSON, exactly as given. */
    data: (name: string) => `${base}data:${name}`,
    /** HASH: the credential's state, see STATE_FIELD. */
    state: (name: string) => `${base}state:${name}`,
  };
}

export type CredentialKeys = ReturnType<typeof credentialKeys>;

/** The keys shared by both namespaces. */
export function sharedKeys(prefix: string) {
  return {
    /** HASH from config key to its JSON-encoded value. */
    config: `${prefix}config`,
    /** Counter raised on every change another process must notice. */
    version: `${prefix}version`,
    /** STRING with a PX expiry: one short-lived entry. */
    entry: (key: string) => `${prefix}entry:${key}`,
  };
}
