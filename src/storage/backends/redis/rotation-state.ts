/**
 * The reads the rotation index is built from (CredentialStore.readRotationState), answered from
 * the indexes the scripts keep: the disabled SET, the `cooling` ZSET (scored by each name's
 * latest cooldown end) and the insertion-order ZSET, whose size and highest score make the names
 * mark. Every add takes a new score from the order counter (never reused) and every delete
 * shrinks the ZSET, both inside one script, so equal marks mean the same names.
 */
import type { RotationState } from '../../storage-backend.interface';
import type { RedisClient } from './client';
import { type CredentialKeys, decodeState } from './keys';
import { exec } from './scripts';

export async function readRotationState(
  c: RedisClient,
  k: CredentialKeys,
  options: { now: number; namesMark?: string | null },
): Promise<RotationState> {
  const { now } = options;
  const tx = c
    .multi()
    .zcard(k.index)
    .zrange(k.index, -1, -1, 'WITHSCORES')
    .smembers(k.disabled)
    .zrangebyscore(k.cooling, `(${now}`, '+inf');
  const [count, last, disabled, cooling] = (await exec(tx)) as [
    number,
    string[],
    string[],
    string[],
  ];
  const namesMark = `${count}:${last[1] ?? 0}`;
  // Read after the mark: a name added meanwhile is listed or moves the next mark.
  const names = namesMark === options.namesMark ? undefined : c.zrange(k.index, 0, -1);
  const states = cooling.reduce((p, name) => p.hgetall(k.state(name)), c.pipeline());
  const [listed, hashes] = await Promise.all([names, cooling.length ? exec(states) : []]);
  const cooldowns = cooling.flatMap((name, i) => {
    const state = decodeState(hashes[i] as Record<string, string>, now);
    const live = state && Object.keys(state.modelCooldowns).length > 0;
    return live ? [{ name, modelCooldowns: state.modelCooldowns }] : [];
  });
  return { namesMark, ...(listed && { names: listed }), disabled, cooldowns };
}
