/**
 * The two scripts that make a fill safe against a concurrent write. A reader that misses claims
 * the item's fill token (keeping one already there), reads the primary, then fills only if the
 * token is still the one it claimed. A write deletes the whole item (token included) after the
 * primary commits, so a fill whose primary read may predate that commit finds another token, or
 * none, and writes nothing. Tokens are unique per process and call, so a restarted or flushed
 * server never matches a token handed out before.
 */
import type Redis from 'ioredis';
import { FILL_TOKEN_FIELD } from './cache-keys';

const CLAIM = `
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('HGET', KEYS[1], ARGV[1])`;

const FILL = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** Deletes KEYS[2..] and raises the counter KEYS[1], as one command (cheaper than MULTI). */
const INVALIDATE = `
if #KEYS > 1 then redis.call('UNLINK', unpack(KEYS, 2)) end
return redis.call('INCR', KEYS[1])`;

type ClaimFn = (key: string, field: string, token: string, ttlMs: number) => Promise<string>;
type FillFn = (
  key: string,
  field: string,
  token: string,
  ttlMs: number,
  ...fields: string[]
) => Promise<number>;

type InvalidateFn = (numberOfKeys: number, ...keys: string[]) => Promise<number>;

type ScriptedRedis = Redis & { tierClaim: ClaimFn; tierFill: FillFn; tierInvalidate: InvalidateFn };

/** Registers the scripts on `client` (EVALSHA, loaded on first use). */
export function defineCacheScripts(client: Redis): void {
  client.defineCommand('tierClaim', { numberOfKeys: 1, lua: CLAIM });
  client.defineCommand('tierFill', { numberOfKeys: 1, lua: FILL });
  client.defineCommand('tierInvalidate', { lua: INVALIDATE });
}

/** Deletes `keys` and raises the change counter `version` in one step. */
export function invalidateAndBump(client: Redis, version: string, keys: readonly string[]) {
  return (client as ScriptedRedis).tierInvalidate(keys.length + 1, version, ...keys);
}

/** The item's fill token: the one already claimed, or `token`. */
export function claim(client: Redis, key: string, token: string, ttlMs: number) {
  return (client as ScriptedRedis).tierClaim(key, FILL_TOKEN_FIELD, token, ttlMs);
}

/** Writes `fields` into the item when its token is still `token`; `true` when written. */
export async function fill(
  client: Redis,
  key: string,
  token: string,
  ttlMs: number,
  fields: Record<string, string>,
): Promise<boolean> {
  const flat = Object.entries(fields).flat();
  if (flat.length === 0) return false;
  return (
    (await (client as ScriptedRedis).tierFill(key, FILL_TOKEN_FIELD, token, ttlMs, ...flat)) === 1
  );
}
