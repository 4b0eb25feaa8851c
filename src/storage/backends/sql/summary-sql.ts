import type { SummaryQuery } from '../../storage-backend.interface';
import { problemPrefix } from './credential-json';
import type { SqlDialect } from './sql-dialect';

/** A filter that most credentials pass, with its negation, which the indexes answer cheaply. */
export interface BroadFilter {
  clause: string;
  params: unknown[];
  fails: string;
  failParams: unknown[];
  /** Set when the rows failing it are the ones the maintained counts hold (summary-counts.ts). */
  failsCounted?: 'disabled';
}

/** The WHERE clauses of one summary query, split by how they are counted. */
export interface SummaryFilters {
  /** Every clause, in order; `params` are theirs. */
  all: string[];
  params: unknown[];
  /** Clauses that few credentials pass (an index lists them): counted directly. */
  narrow: string[];
  /** Clauses that most credentials pass: counted as the total less those that fail them. */
  broad: BroadFilter[];
  /**
   * Set when the one clause is a column the maintained counts hold (summary-counts.ts), with
   * whether the clause keeps the credentials counted there or the others.
   */
  counted?: { column: 'disabled' | 'problem'; keeps: boolean };
}

/**
 * The clauses of `query` over the credential columns. Each one reads an indexed column, or
 * calls a JSON function only after an indexed clause has narrowed the rows: `cooldown_until`
 * bounds every cooldown end from above, so a model cools down only where it is past `now`, and
 * codes exist only where `error_codes` is not empty (the indexes of the migration
 * SummaryIndexes). With a narrow filter, `enabled` is written so that no index serves it: the
 * narrow filter's index must drive the query, not the one of the status most credentials have.
 */
export function summaryFilters(
  query: SummaryQuery,
  now: number,
  dialect: Pick<SqlDialect, 'hasErrorCode' | 'summaryTriggers'>,
): SummaryFilters {
  const filters: SummaryFilters = { all: [], params: [], narrow: [], broad: [] };
  const narrow = (clause: string, ...params: unknown[]) => {
    filters.all.push(clause);
    filters.params.push(...params);
    filters.narrow.push(clause);
  };
  const broad = (filter: BroadFilter) => {
    filters.all.push(filter.clause);
    filters.params.push(...filter.params);
    filters.broad.push(filter);
  };
  if (query.status === 'enabled') {
    broad({
      clause: 'disabled = FALSE',
      params: [],
      fails: 'disabled = TRUE',
      failParams: [],
      failsCounted: 'disabled',
    });
  }
  if (query.status === 'disabled') narrow('disabled = TRUE');
  if (query.errorCode !== undefined) {
    const { clause, param } = dialect.hasErrorCode;
    narrow(`error_codes <> '[]' AND ${clause}`, param(query.errorCode));
  }
  if (query.cooldown === 'in' || query.cooldown === 'out') {
    // cooldown_until only bounds the cooldowns from above: gcli_cooling confirms the few rows
    // it lets through. Where triggers keep it exact, it alone answers for any model.
    const exact = dialect.summaryTriggers && query.modelKey === undefined;
    const cooling = exact
      ? 'cooldown_until > ?'
      : 'cooldown_until > ? AND gcli_cooling(model_cooldowns, ?, ?) = 1';
    const params = exact ? [now] : [now, query.modelKey ?? null, now];
    if (query.cooldown === 'in') narrow(cooling, ...params);
    else
      broad({ clause: `NOT (${coalesced(cooling)})`, params, fails: cooling, failParams: params });
  }
  if (query.problem === 'any') narrow('problem IS NOT NULL');
  else if (query.problem === 'none') {
    broad({ clause: 'problem IS NULL', params: [], fails: 'problem IS NOT NULL', failParams: [] });
  } else if (query.problem !== undefined) {
    narrow(
      `problem IS NOT NULL AND problem LIKE ? ESCAPE '\\'`,
      `${problemPrefix(query.problem)}%`,
    );
  }
  const only = filters.all.length === 1 ? filters.all[0] : undefined;
  if (only === 'disabled = TRUE' || only === 'disabled = FALSE') {
    filters.counted = { column: 'disabled', keeps: only === 'disabled = TRUE' };
  } else if (only === 'problem IS NOT NULL' || only === 'problem IS NULL') {
    filters.counted = { column: 'problem', keeps: only === 'problem IS NOT NULL' };
  }
  if (filters.narrow.length > 0 && query.status === 'enabled') {
    filters.all[filters.all.indexOf('disabled = FALSE')] = 'NOT disabled';
  }
  return filters;
}

/** ` WHERE a AND b`, or nothing without clauses. */
export function whereOf(clauses: readonly string[]): string {
  return clauses.length > 0 ? ` WHERE ${clauses.map((c) => `(${c})`).join(' AND ')}` : '';
}

/** `cooling` with a NULL `cooldown_until` read as "no cooldown", so that NOT keeps those rows. */
function coalesced(cooling: string): string {
  return cooling.replace('cooldown_until > ?', 'COALESCE(cooldown_until, 0) > ?');
}
