import { CONFIG_FILLED_FIELD, FILL_TOKEN_FIELD } from './cache-keys';
import type { CacheTier } from './cache-tier';
import type { CachedItem } from './read-through';

type AllConfig = Record<string, unknown>;

/** Every config key as cached fields, marked complete. */
function encodeConfig(all: AllConfig): Record<string, string> {
  const fields: Record<string, string> = { [CONFIG_FILLED_FIELD]: '1' };
  for (const [key, value] of Object.entries(all)) fields[key] = JSON.stringify(value);
  return fields;
}

/**
 * One config key, read from the cached copy of the whole config: one hash holds every key, so a
 * key that is not set is a hit too (the hash is complete), and one invalidation covers them all.
 */
export function configItem(
  hash: string,
  key: string,
  loadAll: () => Promise<AllConfig>,
): CachedItem<unknown, AllConfig> {
  return {
    key: hash,
    marker: CONFIG_FILLED_FIELD,
    field: key,
    load: loadAll,
    encode: encodeConfig,
    decode: (raw) => (raw === null ? undefined : (JSON.parse(raw) as unknown)),
    pick: (all) => (Object.hasOwn(all, key) ? all[key] : undefined),
  };
}

/** Every config key: the cached copy when complete, else the primary's (then cached). */
export async function readAllConfig(
  cache: CacheTier,
  loadAll: () => Promise<AllConfig>,
): Promise<AllConfig> {
  const hash = cache.keys.config;
  const cached = await cache.readHash(hash);
  if (cached && Object.hasOwn(cached, CONFIG_FILLED_FIELD)) {
    // fromEntries defines own properties, so a key named `__proto__` stays a plain key.
    return Object.fromEntries(
      Object.entries(cached)
        .filter(([key]) => key !== CONFIG_FILLED_FIELD && key !== FILL_TOKEN_FIELD)
        .map(([key, json]) => [key, JSON.parse(json) as unknown]),
    );
  }
  const token = await cache.claim(hash);
  const all = await loadAll();
  if (token !== undefined) await cache.fill(hash, token, encodeConfig(all));
  return all;
}
