import type { SqlDriver } from './sql-driver';
import type { SummaryFilters } from './summary-sql';

/** Per-bucket credential counts, exact once the changes in DELTAS_TABLE are added to them. */
export const COUNTS_TABLE = 'gcli_summary_counts';

/**
 * Credentials are counted in buckets of consecutive `rotation_order` values, `2^BUCKET_BITS`
 * wide: a page at any offset is found by adding up bucket counts (one row per bucket) and then
 * skipping at most one bucket's rows, instead of walking every row before the offset.
 */
export const BUCKET_BITS = 10;
const BUCKET_OF = `rotation_order >> ${BUCKET_BITS}`;

/**
 * Changes not yet added to COUNTS_TABLE. Triggers only append here: adding to the one counts row
 * of a bucket on every write made concurrent writers queue on that row, and a bulk import update
 * it thousands of times in one transaction, each update walking the row versions before it
 * (importing 100,000 credentials took twice as long). `FOLD_DELTAS` moves them over.
 */
export const DELTAS_TABLE = 'gcli_summary_deltas';

/**
 * The counts tables and the trigger functions that maintain them. The triggers run in the
 * writing statement's transaction, so every writer (any gateway process, any version that shares
 * the database, a manual UPDATE) keeps the counts exact.
 */
export const COUNTS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${COUNTS_TABLE} (tbl TEXT NOT NULL, bucket BIGINT NOT NULL,
   total BIGINT NOT NULL DEFAULT 0, disabled BIGINT NOT NULL DEFAULT 0,
   problem BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (tbl, bucket))`,
  `CREATE TABLE IF NOT EXISTS ${DELTAS_TABLE} (tbl TEXT NOT NULL, bucket BIGINT NOT NULL,
   total INTEGER NOT NULL, disabled INTEGER NOT NULL, problem INTEGER NOT NULL)`,
  // A row leaves its old bucket and joins its new one.
  `CREATE OR REPLACE FUNCTION gcli_count_credential() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'INSERT' THEN
       INSERT INTO ${DELTAS_TABLE} (tbl, bucket, total, disabled, problem)
       VALUES (TG_TABLE_NAME, OLD.${BUCKET_OF}, -1, CASE WHEN OLD.disabled THEN -1 ELSE 0 END,
               CASE WHEN OLD.problem IS NULL THEN 0 ELSE -1 END);
     END IF;
     IF TG_OP <> 'DELETE' THEN
       INSERT INTO ${DELTAS_TABLE} (tbl, bucket, total, disabled, problem)
       VALUES (TG_TABLE_NAME, NEW.${BUCKET_OF}, 1, CASE WHEN NEW.disabled THEN 1 ELSE 0 END,
               CASE WHEN NEW.problem IS NULL THEN 0 ELSE 1 END);
     END IF;
     RETURN NULL;
   END $$`,
  // Every write that changes the cooldowns sets `cooldown_until` to their latest end, where the
  // statements only raise it: "cools down now for any model" is then `cooldown_until > now`,
  // answered by its index without reading the JSON of each row (about 5 us a row, mostly the
  // heap fetch).
  `CREATE OR REPLACE FUNCTION gcli_exact_cooldown() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     NEW.cooldown_until := gcli_cooldown_max(NEW.model_cooldowns);
     RETURN NEW;
   END $$`,
  `CREATE OR REPLACE FUNCTION gcli_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     DELETE FROM ${COUNTS_TABLE} WHERE tbl = TG_TABLE_NAME;
     DELETE FROM ${DELTAS_TABLE} WHERE tbl = TG_TABLE_NAME;
     RETURN NULL;
   END $$`,
];

/** The triggers `countsTableDdl` puts on each credential table. */
export const TRIGGERS = [
  'gcli_count_rows',
  'gcli_count_changes',
  'gcli_count_truncate',
  'gcli_exact_cooldown',
] as const;

/**
 * The triggers of one credential table, and the statements that recount it and set its
 * `cooldown_until` from its rows (those of older versions only bound the cooldowns). Run
 * in one transaction: CREATE TRIGGER locks out writers until the recount commits, so no write
 * falls between the recount and the first counted write. Writes that change neither `disabled`,
 * whether there is a problem, nor the bucket (successes, failures) fire nothing.
 */
export function countsTableDdl(table: string): string[] {
  return [
    ...TRIGGERS.map((name) => `DROP TRIGGER IF EXISTS ${name} ON ${table}`),
    `CREATE TRIGGER gcli_count_rows AFTER INSERT OR DELETE ON ${table}
     FOR EACH ROW EXECUTE FUNCTION gcli_count_credential()`,
    `CREATE TRIGGER gcli_count_changes AFTER UPDATE OF disabled, problem, rotation_order ON ${table}
     FOR EACH ROW WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled
                        OR (OLD.problem IS NULL) <> (NEW.problem IS NULL)
                        OR OLD.${BUCKET_OF} IS DISTINCT FROM NEW.${BUCKET_OF})
     EXECUTE FUNCTION gcli_count_credential()`,
    `CREATE TRIGGER gcli_count_truncate AFTER TRUNCATE ON ${table}
     FOR EACH STATEMENT EXECUTE FUNCTION gcli_count_truncate()`,
    `CREATE TRIGGER gcli_exact_cooldown BEFORE UPDATE OF model_cooldowns ON ${table}
     FOR EACH ROW WHEN (OLD.model_cooldowns IS DISTINCT FROM NEW.model_cooldowns)
     EXECUTE FUNCTION gcli_exact_cooldown()`,
    `UPDATE ${table} SET cooldown_until = gcli_cooldown_max(model_cooldowns)
      WHERE cooldown_until IS NOT NULL`,
    `DELETE FROM ${COUNTS_TABLE} WHERE tbl = '${table}'`,
    `DELETE FROM ${DELTAS_TABLE} WHERE tbl = '${table}'`,
    `INSERT INTO ${COUNTS_TABLE} (tbl, bucket, total, disabled, problem)
     SELECT '${table}', ${BUCKET_OF}, COUNT(*), COUNT(*) FILTER (WHERE disabled),
            COUNT(*) FILTER (WHERE problem IS NOT NULL)
       FROM ${table} GROUP BY ${BUCKET_OF}`,
  ];
}

/**
 * Adds the pending changes of table `?` (given twice) to its counts, in one statement: a fold
 * running at the same time waits on the rows this one deletes and then finds them gone.
 */
export const FOLD_DELTAS =
  `WITH moved AS (DELETE FROM ${DELTAS_TABLE} WHERE tbl = ?` +
  ` RETURNING bucket, total, disabled, problem)` +
  ` INSERT INTO ${COUNTS_TABLE} AS c (tbl, bucket, total, disabled, problem)` +
  ` SELECT ?, bucket, SUM(total), SUM(disabled), SUM(problem) FROM moved` +
  ` GROUP BY bucket ORDER BY bucket` +
  ` ON CONFLICT (tbl, bucket) DO UPDATE SET total = c.total + excluded.total,` +
  ` disabled = c.disabled + excluded.disabled, problem = c.problem + excluded.problem`;

type BucketRow = { bucket: unknown; n: unknown };
type CountRow = { bucket: unknown; total: unknown; disabled: unknown; problem: unknown };

/** Where a page starts, what the filter matches in all, and the namespace's totals. */
export interface CountedPage {
  /**
   * Where the page's rows lie: `rotation_order` from `from` and below `to` (when known), after
   * `skip` matches; none past the end.
   */
  start?: { from: number; to?: number; skip: number };
  total: number;
  stats: { total: number; disabled: number };
}

/**
 * Counts what `filters` match per bucket and finds the buckets holding matches `offset` to
 * `offset + limit`. With no filter, only a status or only "any problem" / "no problem", the
 * maintained counts answer alone; otherwise one grouped count reads only the few rows a narrow
 * filter's index lists, or the few rows that fail the broad ones (each failing clause through its
 * own index, the UNION dropping repeats).
 */
export async function countedPage(
  db: SqlDriver,
  table: string,
  filters: SummaryFilters,
  offset: number,
  limit: number,
): Promise<CountedPage> {
  await db.run(FOLD_DELTAS, [table, table]);
  const counts = await db.all<CountRow>(
    `SELECT bucket, total, disabled, problem FROM ${COUNTS_TABLE} WHERE tbl = ? AND total > 0 ORDER BY bucket`,
    [table],
  );
  const stats = { total: 0, disabled: 0 };
  for (const row of counts) {
    stats.total += Number(row.total);
    stats.disabled += Number(row.disabled);
  }
  const matches = await matchesPerBucket(db, table, filters, counts);
  let total = 0;
  for (const n of matches.values()) total += n;
  const span = 2 ** BUCKET_BITS;
  let before = 0;
  let start: CountedPage['start'];
  for (const [bucket, n] of matches) {
    if (!start && n > 0 && before + n > offset) {
      start = { from: bucket * span, skip: offset - before };
    }
    before += n;
    // Bounding the page to the buckets that hold it lets no plan sort every match.
    if (start && before >= offset + limit)
      return { start: { ...start, to: (bucket + 1) * span }, total, stats };
  }
  return { start, total, stats };
}

/** Matches per bucket, in bucket order. */
async function matchesPerBucket(
  db: SqlDriver,
  table: string,
  filters: SummaryFilters,
  counts: readonly CountRow[],
): Promise<Map<number, number>> {
  const matches = new Map<number, number>();
  const counted = filters.counted;
  if (counted) {
    for (const row of counts) {
      const n = Number(row[counted.column]);
      matches.set(Number(row.bucket), counted.keeps ? n : Number(row.total) - n);
    }
    return matches;
  }
  if (filters.narrow.length > 0) {
    const where = filters.all.map((c) => `(${c})`).join(' AND ');
    const rows = await db.all<BucketRow>(
      `SELECT ${BUCKET_OF} AS bucket, COUNT(*) AS n FROM ${table} WHERE ${where}` +
        ` GROUP BY 1 ORDER BY 1`,
      filters.params,
    );
    for (const row of rows) matches.set(Number(row.bucket), Number(row.n));
    return matches;
  }
  // The disabled credentials among those failing come from the maintained counts: listing them
  // read half the table when half was disabled (83-92 ms at 100,000). The other failing clauses
  // then count only enabled rows, which their own indexes find.
  const failing = new Map<number, number>();
  const byStatus = filters.broad.find((f) => f.failsCounted === 'disabled');
  if (byStatus) for (const row of counts) failing.set(Number(row.bucket), Number(row.disabled));
  const rest = filters.broad.filter((f) => f !== byStatus);
  if (rest.length > 0) {
    const enabledOnly = byStatus ? ' AND NOT disabled' : '';
    const union = rest
      .map((f) => `SELECT id, rotation_order FROM ${table} WHERE (${f.fails})${enabledOnly}`)
      .join(' UNION ');
    const rows = await db.all<BucketRow>(
      `SELECT ${BUCKET_OF} AS bucket, COUNT(*) AS n FROM (${union}) failing GROUP BY 1`,
      rest.flatMap((f) => f.failParams),
    );
    for (const row of rows) {
      const bucket = Number(row.bucket);
      failing.set(bucket, (failing.get(bucket) ?? 0) + Number(row.n));
    }
  }
  for (const row of counts) {
    const bucket = Number(row.bucket);
    matches.set(bucket, Number(row.total) - (failing.get(bucket) ?? 0));
  }
  return matches;
}
