import type { UsageFilter, UsageIncrement } from './storage-backend.interface';
import { checkKey, checkName, checkNamespace, invalid } from './storage-validation';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const METRIC =
  /^(requests|successes|input_tokens|output_tokens|thinking_tokens|failures:[1-5]\d\d)$/;

function checkDay(what: string, day: unknown): asserts day is string {
  if (typeof day !== 'string' || !DAY.test(day)) invalid(`${what} must be a day as YYYY-MM-DD`);
}

/** The argument checks of `incrementUsage`, for ValidatedStorage. */
export function checkUsageIncrements(increments: readonly UsageIncrement[]): void {
  if (!Array.isArray(increments)) invalid('increments must be an array');
  for (const [i, item] of increments.entries()) {
    checkDay(`increments[${i}].day`, item.day);
    checkNamespace(item.ns);
    checkName(item.credential);
    checkKey(`increments[${i}].model`, item.model);
    if (typeof item.metric !== 'string' || !METRIC.test(item.metric)) {
      invalid(
        `increments[${i}].metric must be requests, successes, a token count or failures:<status>`,
      );
    }
    if (!Number.isSafeInteger(item.by) || item.by <= 0) {
      invalid(`increments[${i}].by must be a positive whole number`);
    }
  }
}

/** The argument checks of `listUsage` and `deleteUsage`, for ValidatedStorage. */
export function checkUsageFilter(filter: UsageFilter): void {
  if (filter.ns !== undefined) checkNamespace(filter.ns);
  if (filter.credential !== undefined) checkName(filter.credential);
  if (filter.model !== undefined) checkKey('model', filter.model);
  if (filter.from !== undefined) checkDay('from', filter.from);
  if (filter.to !== undefined) checkDay('to', filter.to);
}

/** Whether `counter` lies inside `filter`: the one definition the backends filter by in memory. */
export function inUsageFilter(
  counter: { day: string; ns: string; credential: string; model: string },
  filter: UsageFilter,
): boolean {
  return (
    (filter.ns === undefined || counter.ns === filter.ns) &&
    (filter.credential === undefined || counter.credential === filter.credential) &&
    (filter.model === undefined || counter.model === filter.model) &&
    (filter.from === undefined || counter.day >= filter.from) &&
    (filter.to === undefined || counter.day <= filter.to)
  );
}

/** The order every backend returns usage counters in. */
export function compareUsage(
  a: { day: string; ns: string; credential: string; model: string; metric: string },
  b: { day: string; ns: string; credential: string; model: string; metric: string },
): number {
  for (const key of ['day', 'ns', 'credential', 'model', 'metric'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}
