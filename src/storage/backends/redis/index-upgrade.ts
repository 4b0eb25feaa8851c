/**
 * The one-time upgrade of a namespace's indexes to the layout of keys.ts: versions before it kept
 * the disabled, error-code and problem indexes as unordered SETs, which the summary cannot combine
 * by rank. Run on connect; a namespace already indexed costs one GET.
 */
import type { CredentialKeys } from './keys';
import type { RedisClient } from './client';

/** The layout `credentialKeys` describes; the `indexed` key holds it once a namespace is in it. */
export const INDEX_LAYOUT = '2';

/** Credentials indexed per script call: keeps each call's server time short. */
const BATCH = 500;

/**
 * KEYS: index, disabled, cooling, the legacy disabled SET, then the state hash per name.
 * ARGV: errors prefix, cooldown prefix, problem prefix, the legacy errors and problem prefixes,
 * then the names.
 * Indexes each name from its state hash (adding is idempotent, and every write script keeps the
 * indexes from the hash too, so writes meanwhile are safe) and deletes the legacy SETs it names.
 */
export const INDEX_BACKFILL_LUA = `
  for i = 5, #KEYS do
    local state, name = KEYS[i], ARGV[i + 1]
    if redis.call('EXISTS', state) == 1 then
      reindex(state, name, KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3])
      for _, code in ipairs(storedCodes(state)) do redis.call('DEL', ARGV[4] .. codeText(code)) end
      local code = problemCode(state)
      if code then redis.call('DEL', ARGV[5] .. code) end
    end
  end
  redis.call('DEL', KEYS[4], ARGV[5] .. '*')
  return 0`;

/**
 * Indexes every credential of the namespace unless `indexed` says it is done, then says so. The
 * index is walked by order, not rank, so a credential deleted meanwhile cannot make one skipped.
 */
export async function upgradeIndexes(
  c: RedisClient,
  k: CredentialKeys,
  backfill: (names: string[]) => Promise<unknown>,
): Promise<void> {
  if ((await c.get(k.indexed)) === INDEX_LAYOUT) return;
  let after = '-inf';
  for (;;) {
    const page = await c.zrangebyscore(k.index, after, '+inf', 'WITHSCORES', 'LIMIT', 0, BATCH);
    if (page.length === 0) break;
    await backfill(page.filter((_, i) => i % 2 === 0));
    after = `(${page[page.length - 1]}`;
  }
  await c.set(k.indexed, INDEX_LAYOUT);
}
