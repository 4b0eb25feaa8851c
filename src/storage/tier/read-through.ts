import type { CacheTier } from './cache-tier';

/** How one cached item is found and kept; `L` is what the primary answers, `T` the value wanted. */
export interface CachedItem<T, L = T> {
  key: string;
  /** The field whose presence says the item is filled. */
  marker: string;
  /** The field holding the wanted value (may equal `marker`). */
  field: string;
  /** Reads the value from the primary. */
  load(): Promise<L>;
  /** The fields a fill writes, from what `load` returned. */
  encode(loaded: L): Record<string, string>;
  /** The value from the cached `field` (`null` when the filled item lacks it). */
  decode(raw: string | null): T;
  /** The value from what `load` returned; the loaded value itself when omitted. */
  pick?(loaded: L): T;
}

/**
 * The value from the cache when it holds it; otherwise from the primary, then copied into the
 * cache unless a write invalidated the item meanwhile (see cache-scripts.ts). A cache that fails
 * is a miss: the primary answers.
 */
export async function readThrough<T, L = T>(cache: CacheTier, item: CachedItem<T, L>): Promise<T> {
  const raw = await cache.read(item.key, item.marker, item.field);
  if (raw !== undefined) return item.decode(raw);
  const token = await cache.claim(item.key);
  const loaded = await item.load();
  if (token !== undefined) await cache.fill(item.key, token, item.encode(loaded));
  return item.pick ? item.pick(loaded) : (loaded as unknown as T);
}

/** A single JSON value, kept in `field` of its own hash. */
export function jsonItem<T>(key: string, field: string, load: () => Promise<T>): CachedItem<T> {
  return {
    key,
    marker: field,
    field,
    load,
    encode: (value) => ({ [field]: JSON.stringify(value) }),
    decode: (raw) => JSON.parse(raw as string) as T,
  };
}
