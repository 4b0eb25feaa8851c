import type { UsageCounter, UsageFilter } from '../storage/storage-backend.interface';
import type { UsageFilterInput } from './usage.schema';

/** Counts of one group of usage counters, as the usage routes answer them. */
export interface UsageTotals {
  requests: number;
  successes: number;
  /** Failed attempts by HTTP status (502/504 for network errors and timeouts). */
  failures: Record<string, number>;
  input_tokens: number;
  output_tokens: number;
  thinking_tokens: number;
}

/** One credential's usage of one model on one day. */
export interface UsageRow extends UsageTotals {
  day: string;
  namespace: string;
  credential: string;
  model: string;
}

const emptyTotals = (): UsageTotals => ({
  requests: 0,
  successes: 0,
  failures: {},
  input_tokens: 0,
  output_tokens: 0,
  thinking_tokens: 0,
});

/** Adds one counter to `totals`. */
function addTo(totals: UsageTotals, metric: string, value: number): void {
  if (metric.startsWith('failures:')) {
    const status = metric.slice('failures:'.length);
    totals.failures[status] = (totals.failures[status] ?? 0) + value;
  } else if (metric in totals && metric !== 'failures') {
    (totals as unknown as Record<string, number>)[metric] += value;
  }
}

/** The storage filter of a route's query (`namespace` is the storage's `ns`). */
export const storageFilter = ({ namespace, ...rest }: UsageFilterInput): UsageFilter => ({
  ...rest,
  ns: namespace,
});

/** Counters (ordered by day, namespace, credential, model) as one row per group of them. */
export function usageRows(counters: readonly UsageCounter[]): UsageRow[] {
  const rows: UsageRow[] = [];
  let last: UsageRow | undefined;
  for (const c of counters) {
    if (
      !last ||
      last.day !== c.day ||
      last.namespace !== c.ns ||
      last.credential !== c.credential ||
      last.model !== c.model
    ) {
      last = {
        day: c.day,
        namespace: c.ns,
        credential: c.credential,
        model: c.model,
        ...emptyTotals(),
      };
      rows.push(last);
    }
    addTo(last, c.metric, c.value);
  }
  return rows;
}

/** Totals overall and per value of `by`, groups in ascending order of their key. */
export function aggregate(counters: readonly UsageCounter[], by: 'day' | 'model' | 'credential') {
  const totals = emptyTotals();
  const groups = new Map<string, UsageTotals>();
  for (const c of counters) {
    addTo(totals, c.metric, c.value);
    const key = c[by];
    let group = groups.get(key);
    if (!group) groups.set(key, (group = emptyTotals()));
    addTo(group, c.metric, c.value);
  }
  return {
    by,
    totals,
    groups: [...groups]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, group]) => ({ key, ...group })),
  };
}
