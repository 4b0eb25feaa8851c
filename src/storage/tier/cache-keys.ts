/** Where the cache tier keeps things in Valkey/Redis, apart from a Valkey primary's own keys. */
import type { Namespace } from '../storage-backend.interface';

/** The hash field that holds a cached item's fill token (see cache-scripts.ts). */
export const FILL_TOKEN_FIELD = '\0g';
/** The hash field that marks the config hash as holding every key (config keys never hold NUL). */
export const CONFIG_FILLED_FIELD = '\0f';
/** The hash field of a single-value item. */
export const VALUE_FIELD = 'v';

/**
 * The keys of one cache tier under `prefix` (e.g. `gcli:cache:`). Cached copies of primary data
 * live under `items`, which a reconnect flushes; copies of short-lived entries under `entries`;
 * the change counter other instances poll stays outside both so a flush only ever raises it.
 */
export function cacheKeys(prefix: string) {
  const items = `${prefix}c:`;
  const entries = `${prefix}e:`;
  return {
    items,
    entries,
    /** HASH of every config key (JSON values) plus CONFIG_FILLED_FIELD once complete. */
    config: `${items}config`,
    /** HASH with VALUE_FIELD: the credential's data JSON, or `null`. */
    data: (ns: Namespace, name: string) => `${items}d:${ns}:${name}`,
    /** HASH with VALUE_FIELD: the credential's state JSON (every cooldown kept), or `null`. */
    state: (ns: Namespace, name: string) => `${items}s:${ns}:${name}`,
    /** HASH with VALUE_FIELD: the namespace's names in insertion order. */
    names: (ns: Namespace) => `${items}n:${ns}`,
    /** HASH from a summary query (without `now`) to its page, every cooldown kept. */
    summaries: (ns: Namespace) => `${items}q:${ns}`,
    /** STRING with a PX expiry: the copy of one short-lived entry. */
    entry: (key: string) => `${entries}${key}`,
    /**
     * SET of the ids of writes pending on one cached item (see cache-scripts.ts), with a short
     * expiry; outside `items`, so a flush never lifts a pending write's hold on fills.
     */
    pending: (item: string) => `${prefix}p:${item}`,
    /** Counter raised on every change another instance must notice. */
    version: `${prefix}version`,
  };
}

export type CacheKeys = ReturnType<typeof cacheKeys>;

/** `text` with the glob characters of a SCAN MATCH pattern escaped. */
export const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');
