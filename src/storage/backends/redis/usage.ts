import type {
  Namespace,
  UsageCounter,
  UsageFilter,
  UsageIncrement,
} from '../../storage-backend.interface';
import { compareUsage, inUsageFilter } from '../../usage-validation';
import { groupBase } from './keys';
import type { RedisClient } from './client';
import { exec } from './scripts';

/** Names may not hold NUL (the validating wrapper refuses it), so it separates a field's parts. */
const SEP = '\0';

/**
 * Usage counters on Valkey/Redis: one hash per day (`usage:<day>`), a field per namespace,
 * credential, model and metric, added to with HINCRBY; `usage:days` lists the days that have one.
 */
export function redisUsage(prefix: string, cluster = false) {
  // One group (one slot on a cluster): a MULTI adds to a day's hash and to the list of days.
  const base = `${groupBase(prefix, 'usage', cluster)}:`;
  const dayKey = (day: string) => `${base}${day}`;
  const days = `${base}days`;
  const daysIn = async (client: RedisClient, filter: UsageFilter) =>
    (await client.smembers(days))
      .filter((day) => (!filter.from || day >= filter.from) && (!filter.to || day <= filter.to))
      .sort();
  const counters = async (client: RedisClient, list: string[], filter: UsageFilter) => {
    const pipeline = client.pipeline();
    for (const day of list) pipeline.hgetall(dayKey(day));
    const hashes = (await exec(pipeline)) as Array<Record<string, string>>;
    return hashes.flatMap((hash, i) =>
      Object.entries(hash).flatMap(([field, value]): UsageCounter[] => {
        const [ns, credential, model, metric] = field.split(SEP);
        const counter = { day: list[i], ns: ns as Namespace, credential, model, metric };
        return inUsageFilter(counter, filter) ? [{ ...counter, value: Number(value) }] : [];
      }),
    );
  };

  return {
    async increment(client: RedisClient, increments: readonly UsageIncrement[]): Promise<void> {
      const multi = client.multi();
      for (const i of increments) {
        multi.hincrby(dayKey(i.day), [i.ns, i.credential, i.model, i.metric].join(SEP), i.by);
        multi.sadd(days, i.day);
      }
      await exec(multi);
    },

    async list(client: RedisClient, filter: UsageFilter): Promise<UsageCounter[]> {
      return (await counters(client, await daysIn(client, filter), filter)).sort(compareUsage);
    },

    async delete(client: RedisClient, filter: UsageFilter): Promise<void> {
      const list = await daysIn(client, filter);
      const wholeDays = !filter.ns && !filter.credential && !filter.model;
      if (wholeDays) {
        const multi = client.multi();
        for (const day of list) multi.del(dayKey(day)).srem(days, day);
        await exec(multi);
        return;
      }
      const doomed = await counters(client, list, filter);
      if (doomed.length === 0) return;
      const multi = client.multi();
      for (const c of doomed) {
        multi.hdel(dayKey(c.day), [c.ns, c.credential, c.model, c.metric].join(SEP));
      }
      await exec(multi);
    },
  };
}
