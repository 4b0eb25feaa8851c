/**
 * The credential summary, answered from the indexes (see keys.ts): every filter is a set of names,
 * matched in process against insertion order, and only the page's state hashes are read.
 */
import type {
  CredentialSummary,
  CredentialSummaryPage,
  SummaryQuery,
} from '../../storage-backend.interface';
import { ANY_PROBLEM, type CredentialKeys, decodeState } from './keys';
import type { RedisClient } from './client';
import { exec } from './scripts';

/**
 * Up to this share of the namespace, the names of the smallest "must be in" set get their orders
 * one ZSCORE each; above it, listing the whole index in order is cheaper: a pipelined ZSCORE costs
 * about ten times as much per name as a name in one ZRANGE reply. (ZMSCORE would be cheaper, but
 * needs Redis 6.2, newer than the redis-server of Ubuntu 22.04 and Debian 11.)
 */
const LOOKUP_SHARE = 1 / 10;

/** One filter: a name passes when `names.has(name) === wanted`. */
interface NameFilter {
  names: ReadonlySet<string>;
  wanted: boolean;
}

/** One page of the summary; `query.now` is required here, the backend fills it in. */
export async function readSummary(
  c: RedisClient,
  k: CredentialKeys,
  query: SummaryQuery & { now: number },
): Promise<CredentialSummaryPage> {
  const { offset = 0, limit = 50, status = 'all', cooldown = 'all', errorCode, now } = query;
  const { problem } = query;
  const filtered =
    status !== 'all' || errorCode !== undefined || cooldown !== 'all' || problem !== undefined;
  // One transaction reads the sets the filters need (the names come after), or the page's names.
  // The disabled names are read only for a status filter: the stats need their count alone.
  const tx = c.multi().zcard(k.index).scard(k.disabled);
  if (status !== 'all') tx.smembers(k.disabled);
  if (!filtered) tx.zrange(k.index, offset, offset + limit - 1);
  if (errorCode !== undefined) tx.smembers(k.errors(errorCode));
  if (cooldown !== 'all') {
    const index = query.modelKey === undefined ? k.cooling : k.cooldown(query.modelKey);
    tx.zrangebyscore(index, `(${now}`, '+inf');
  }
  if (problem !== undefined) {
    tx.smembers(k.problem(problem === 'any' || problem === 'none' ? ANY_PROBLEM : problem));
  }
  const [all, disabledCount, ...lists] = (await exec(tx)) as [number, number, ...string[][]];
  const stats = { total: all, enabled: all - disabledCount, disabled: disabledCount };
  if (!filtered) {
    return { items: await readPage(c, k, lists[0], now), total: all, offset, limit, stats };
  }
  const filters: NameFilter[] = [];
  if (status !== 'all') {
    filters.push({ names: new Set(lists.shift()), wanted: status === 'disabled' });
  }
  if (errorCode !== undefined) filters.push({ names: new Set(lists.shift()), wanted: true });
  const inCooldown = cooldown === 'in';
  if (cooldown !== 'all') filters.push({ names: new Set(lists.shift()), wanted: inCooldown });
  if (problem !== undefined)
    filters.push({ names: new Set(lists.shift()), wanted: problem !== 'none' });
  const matches = await matchingNames(c, k, filters, all);
  const items = await readPage(c, k, matches.slice(offset, offset + limit), now);
  return { items, total: matches.length, offset, limit, stats };
}

/** The names in the index that pass every filter, in insertion order. */
async function matchingNames(
  c: RedisClient,
  k: CredentialKeys,
  filters: readonly NameFilter[],
  all: number,
): Promise<string[]> {
  const passes = (name: string) => filters.every((f) => f.names.has(name) === f.wanted);
  const [smallest] = filters.filter((f) => f.wanted).sort((a, b) => a.names.size - b.names.size);
  if (smallest === undefined || smallest.names.size > all * LOOKUP_SHARE) {
    return (await c.zrange(k.index, 0, -1)).filter(passes);
  }
  const candidates = [...smallest.names].filter(passes);
  if (candidates.length === 0) return [];
  const orders = await exec(candidates.reduce((p, name) => p.zscore(k.index, name), c.pipeline()));
  // A name without an order was deleted after the sets were read.
  return candidates
    .flatMap((name, i) => (orders[i] === null ? [] : [[name, Number(orders[i])] as const]))
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name);
}

/** The summaries of `names`, in that order, in one pipeline; names deleted meanwhile drop out. */
async function readPage(
  c: RedisClient,
  k: CredentialKeys,
  names: readonly string[],
  now: number,
): Promise<CredentialSummary[]> {
  if (names.length === 0) return [];
  const batch = names.reduce(
    (p, name) => p.zscore(k.index, name).hgetall(k.state(name)),
    c.pipeline(),
  );
  const replies = await exec(batch);
  return names.flatMap((name, i) => {
    const order = replies[2 * i] as string | null;
    const state = decodeState(replies[2 * i + 1] as Record<string, string>, now);
    return state && order !== null ? [{ name, order: Number(order), ...state }] : [];
  });
}
