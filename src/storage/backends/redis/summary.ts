/**
 * The credential summary, answered from the indexes (see keys.ts): a filtered page is matched on
 * the server (summary-script.ts), and only the page's state hashes are read.
 */
import type {
  CredentialSummary,
  CredentialSummaryPage,
  SummaryQuery,
} from '../../storage-backend.interface';
import { ANY_PROBLEM, type CredentialKeys, decodeState } from './keys';
import type { RedisClient } from './client';
import { exec } from './scripts';

/** One page of the summary; `query.now` is required here, the backend fills it in. */
export async function readSummary(
  c: RedisClient,
  k: CredentialKeys,
  query: SummaryQuery & { now: number },
): Promise<CredentialSummaryPage> {
  const { offset = 0, limit = 50, status = 'all', cooldown = 'all', errorCode, now } = query;
  const { problem } = query;
  // Each filter: its index key, its kind (see summary-script.ts) and whether a name must be in it.
  const filters: Array<[key: string, kind: 'o' | 'u', wanted: boolean]> = [];
  if (status !== 'all') filters.push([k.disabled, 'o', status === 'disabled']);
  if (errorCode !== undefined) filters.push([k.errors(errorCode), 'o', true]);
  if (cooldown !== 'all') {
    const index = query.modelKey === undefined ? k.cooling : k.cooldown(query.modelKey);
    filters.push([index, 'u', cooldown === 'in']);
  }
  if (problem !== undefined) {
    const code = problem === 'any' || problem === 'none' ? ANY_PROBLEM : problem;
    filters.push([k.problem(code), 'o', problem !== 'none']);
  }
  // The stats need the disabled count alone; the page's names come in the same transaction.
  const tx = c.multi().zcard(k.index).zcard(k.disabled);
  if (filters.length === 0) {
    tx.zrange(k.index, offset, offset + limit - 1);
  } else {
    const keys = [k.index, k.summaryScratch, ...filters.map(([key]) => key)];
    const args = [String(offset), String(limit), String(now)];
    for (const [, kind, wanted] of filters) args.push(kind, wanted ? '1' : '0');
    (tx as unknown as Record<string, (...a: unknown[]) => unknown>).gcliSummaryPage(
      keys.length,
      ...keys,
      ...args,
    );
  }
  const [all, disabledCount, reply] = (await exec(tx)) as [number, number, Array<string | number>];
  const stats = { total: all, enabled: all - disabledCount, disabled: disabledCount };
  const [total, ...names] = filters.length === 0 ? [all, ...reply] : reply;
  const items = await readPage(c, k, names as string[], now);
  return { items, total: Number(total), offset, limit, stats };
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
