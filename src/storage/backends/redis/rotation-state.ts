/**
 * The reads the rotation index is built from (CredentialStore.readRotationState), answered from
 * the indexes the scripts keep: the disabled ZSET, the `cooling` ZSET (scored by each name's
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
  const [knownCount, knownLast] = (options.namesMark ?? '').split(':').map(Number);
  const tx = c
    .multi()
    .zcard(k.index)
    .zrange(k.index, -1, -1, 'WITHSCORES')
    .zrange(k.disabled, 0, -1)
    .zrangebyscore(k.cooling, `(${now}`, '+inf');
  // Scores come from a counter: the names scored above the known last one are those added since.
  if (Number.isFinite(knownLast)) tx.zrangebyscore(k.index, `(${knownLast}`, '+inf');
  const [count, last, disabled, cooling, tail] = (await exec(tx)) as [
    number,
    string[],
    string[],
    string[],
    string[] | undefined,
  ];
  const namesMark = `${count}:${last[1] ?? 0}`;
  const unchanged = namesMark === options.namesMark;
  // Read in the same transaction as the count: when it grew by the tail exactly, none was removed.
  const appended = !unchanged && tail && knownCount + tail.length === count ? tail : undefined;
  // Read after the mark: a name added meanwhile is listed or moves the next mark.
  const names = unchanged || appended ? undefined : c.zrange(k.index, 0, -1);
  const states = cooling.reduce((p, name) => p.hgetall(k.state(name)), c.pipeline());
  const [listed, hashes] = await Promise.all([names, cooling.length ? exec(states) : []]);
  const cooldowns = cooling.flatMap((name, i) => {
    const state = decodeState(hashes[i] as Record<string, string>, now);
    const live = state && Object.keys(state.modelCooldowns).length > 0;
    return live ? [{ name, modelCooldowns: state.modelCooldowns }] : [];
  });
  return {
    namesMark,
    ...(listed && { names: listed }),
    ...(appended && { appended }),
    disabled,
    cooldowns,
  };
}
