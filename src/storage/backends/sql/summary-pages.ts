import type { SqlDriver } from './sql-driver';
import type { CredentialStatements } from './sql-statements';
import { countedPage } from './summary-counts';
import { type SummaryFilters, whereOf } from './summary-sql';

/** A page's rows, how many credentials pass its filters, and the namespace's totals. */
export interface SummaryParts<Row> {
  rows: Row[];
  total: number;
  stats: { total: number; disabled: number };
}

/** One credential table as a status page reads it. */
export interface SummaryTable {
  name: string;
  statements: CredentialStatements;
}

/** A page through OFFSET over the filter's index, with counts over the indexes (SQLite). */
export async function scannedSummary<Row>(
  db: SqlDriver,
  { statements: t }: SummaryTable,
  filters: SummaryFilters,
  offset: number,
  limit: number,
): Promise<SummaryParts<Row>> {
  const where = whereOf(filters.all);
  const rows = await db.all<Row>(t.summaryRows(where), [...filters.params, limit, offset]);
  const counts = await db.get<{ total: unknown; disabled: unknown }>(t.stats);
  const stats = { total: Number(counts?.total ?? 0), disabled: Number(counts?.disabled ?? 0) };
  return { rows, total: await matching(db, t, filters, stats.total), stats };
}

/**
 * A page found from the maintained bucket counts (summary-counts.ts): the counts say which
 * bucket holds the offset, and the page query skips only within that bucket (PostgreSQL).
 */
export async function countedSummary<Row>(
  db: SqlDriver,
  table: SummaryTable,
  filters: SummaryFilters,
  offset: number,
  limit: number,
): Promise<SummaryParts<Row>> {
  const { start, total, stats } = await countedPage(db, table.name, filters, offset, limit);
  if (!start || limit === 0) return { rows: [], total, stats };
  const range =
    start.to === undefined
      ? ['rotation_order >= ?']
      : ['rotation_order >= ?', 'rotation_order < ?'];
  const bounds = start.to === undefined ? [start.from] : [start.from, start.to];
  const where = whereOf([...range, ...filters.all]);
  const params = [...bounds, ...filters.params, limit, start.skip];
  return { rows: await db.all<Row>(table.statements.summaryRows(where), params), total, stats };
}

/**
 * How many credentials pass the filters. A filter most credentials pass (enabled, out of
 * cooldown, without a problem) is counted as the total less those that fail it, which the
 * indexes find without reading the rest.
 */
async function matching(
  db: SqlDriver,
  t: CredentialStatements,
  filters: SummaryFilters,
  all: number,
) {
  const count = async (sql: string, params: readonly unknown[]) =>
    Number((await db.get<{ n: unknown }>(sql, params))?.n ?? 0);
  if (filters.all.length === 0) return all;
  if (filters.narrow.length > 0) return count(t.summaryCount(whereOf(filters.all)), filters.params);
  const failing = ` WHERE ${filters.broad.map((f) => `(${f.fails})`).join(' OR ')}`;
  const failParams = filters.broad.flatMap((f) => f.failParams);
  return all - (await count(t.summaryCount(failing), failParams));
}
