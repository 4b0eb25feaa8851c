/**
 * The scripts that make a fill safe against a concurrent write. A reader that misses claims the
 * item's fill token (keeping one already there), reads the primary, then fills only if the token
 * is still the one it claimed. Tokens are unique per process and call, so a restarted or flushed
 * server never matches a token handed out before.
 *
 * A write runs BEGIN at the same time as the primary's write, and END after both finished (see
 * TieredStorage). BEGIN deletes the copies (their tokens with them) and adds the write's id to
 * each copy's pending set, a key of its own with a short expiry: while that set exists no token
 * is handed out and no fill stores. END removes the id, deletes the copies again (voiding any
 * token claimed after a pending set expired) and raises the change counter. So a fill stores
 * only when its token was claimed after END, i.e. its primary read began after the commit.
 */
import type Redis from 'ioredis';
import { FILL_TOKEN_FIELD } from './cache-keys';

/** KEYS: item, pending set. ARGV: token field, token, ttl. Nothing while a write is pending. */
const CLAIM = `
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('HGET', KEYS[1], ARGV[1])`;

/** KEYS: item, pending set. ARGV: token field, token, ttl, field/value pairs. */
const FILL = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * KEYS: n item/pending pairs, then copies without a pending set. ARGV: n, write id, pending ttl.
 * Deletes every copy and marks each item pending for this write.
 */
const BEGIN = `
local n = tonumber(ARGV[1])
local copies = {}
for i = 1, #KEYS do
  if i > 2 * n or i % 2 == 1 then copies[#copies + 1] = KEYS[i] end
end
if #copies > 0 then redis.call('UNLINK', unpack(copies)) end
for i = 2, 2 * n, 2 do
  redis.call('SADD', KEYS[i], ARGV[2])
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
end
return 1`;

/**
 * KEYS: change counter, n item/pending pairs, then copies without a pending set. ARGV: n, write
 * id, 1 to raise the counter. Unmarks the write, deletes every copy again, raises the counter.
 */
const END = `
local n = tonumber(ARGV[1])
for i = 3, 2 * n + 1, 2 do redis.call('SREM', KEYS[i], ARGV[2]) end
local copies = {}
for i = 2, #KEYS do
  if i > 2 * n + 1 or i % 2 == 0 then copies[#copies + 1] = KEYS[i] end
end
if #copies > 0 then redis.call('UNLINK', unpack(copies)) end
if ARGV[3] == '1' then return redis.call('INCR', KEYS[1]) end
return 0`;

type ClaimFn = (
  key: string,
  pending: string,
  field: string,
  token: string,
  ttlMs: number,
) => Promise<string | null>;
type FillFn = (
  key: string,
  pending: string,
  field: string,
  token: string,
  ttlMs: number,
  ...fields: string[]
) => Promise<number>;
type StepFn = (numberOfKeys: number, ...keysAndArgs: Array<string | number>) => Promise<number>;

type ScriptedRedis = Redis & {
  tierClaim: ClaimFn;
  tierFill: FillFn;
  tierBegin: StepFn;
  tierEnd: StepFn;
};

/** Registers the scripts on `client` (EVALSHA, loaded on first use). */
export function defineCacheScripts(client: Redis): void {
  client.defineCommand('tierClaim', { numberOfKeys: 2, lua: CLAIM });
  client.defineCommand('tierFill', { numberOfKeys: 2, lua: FILL });
  client.defineCommand('tierBegin', { lua: BEGIN });
  client.defineCommand('tierEnd', { lua: END });
}

/** The cached copies one write touches. */
export interface WriteKeys {
  /** Filled items, each with the key of its pending set. */
  items: ReadonlyArray<{ key: string; pending: string }>;
  /** Copies no fill writes (short-lived entries): deleted, never marked. */
  copies: readonly string[];
}

/** A write begun on the cache, to be ended once the primary answered. */
export interface PendingWrite {
  id: string;
  keys: WriteKeys;
  /** When it began, in the cache tier's monotonic milliseconds. */
  started: number;
}

/** Keys per script call, so none unpacks too many. */
const CHUNK = 1_000;

/** The keys of `keys` in the order BEGIN and END take them, CHUNK at most per part. */
function parts({ items, copies }: WriteKeys): Array<{ n: number; keys: string[] }> {
  const out: Array<{ n: number; keys: string[] }> = [];
  for (let i = 0; i < items.length; i += CHUNK / 2) {
    const slice = items.slice(i, i + CHUNK / 2);
    out.push({ n: slice.length, keys: slice.flatMap(({ key, pending }) => [key, pending]) });
  }
  for (let i = 0; i < copies.length; i += CHUNK) {
    out.push({ n: 0, keys: copies.slice(i, i + CHUNK) });
  }
  return out.length > 0 ? out : [{ n: 0, keys: [] }];
}

/** Deletes the copies and marks the items pending for write `id` for `ttlMs`. */
export async function beginWrite(client: Redis, keys: WriteKeys, id: string, ttlMs: number) {
  const scripted = client as ScriptedRedis;
  await Promise.all(
    parts(keys).map(({ n, keys: all }) => scripted.tierBegin(all.length, ...all, n, id, ttlMs)),
  );
}

/**
 * Unmarks write `id`, deletes the copies again and raises `version` when `bump`: the last part
 * raises it, after every copy is gone (one connection runs them in order).
 */
export async function endWrite(
  client: Redis,
  version: string,
  keys: WriteKeys,
  id: string,
  bump: boolean,
) {
  const scripted = client as ScriptedRedis;
  const all = parts(keys);
  await Promise.all(
    all.map(({ n, keys: part }, i) => {
      const raise = bump && i === all.length - 1 ? 1 : 0;
      return scripted.tierEnd(part.length + 1, version, ...part, n, id, raise);
    }),
  );
}

/** The item's fill token: the one already claimed, `token`, or `null` while a write is pending. */
export function claim(client: Redis, key: string, pending: string, token: string, ttlMs: number) {
  return (client as ScriptedRedis).tierClaim(key, pending, FILL_TOKEN_FIELD, token, ttlMs);
}

/** Writes `fields` into the item when its token is still `token` and no write is pending. */
export async function fill(
  client: Redis,
  key: string,
  pending: string,
  token: string,
  ttlMs: number,
  fields: Record<string, string>,
): Promise<boolean> {
  const flat = Object.entries(fields).flat();
  if (flat.length === 0) return false;
  const filled = await (client as ScriptedRedis).tierFill(
    key,
    pending,
    FILL_TOKEN_FIELD,
    token,
    ttlMs,
    ...flat,
  );
  return filled === 1;
}
