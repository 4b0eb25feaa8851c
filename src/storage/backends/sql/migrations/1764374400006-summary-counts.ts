import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect-of';
import { CREDENTIAL_TABLES } from '../sql-statements';
import { COUNTS_DDL, countsTableDdl, TRIGGERS } from '../summary-counts';

/**
 * What lets a PostgreSQL status page at 100,000 credentials answer in a few milliseconds
 * (issue 17), where an exact COUNT(*) read every row and a deep OFFSET fetched every row before it:
 * - per-bucket counts of all, disabled and problem credentials, kept by triggers and recounted
 *   from the rows on first start (summary-counts.ts);
 * - `cooldown_until` made exact by a trigger, so "cools down now" needs no JSON read;
 * - the SQL functions again, now STABLE so that PostgreSQL inlines them into the filters;
 * - a GIN index over the few credentials with error codes, so a code filter is an index lookup.
 * SQLite needs none of it: its counts over an index take a few milliseconds.
 */
export class SummaryCounts1764374400006 implements MigrationInterface {
  name = 'SummaryCounts1764374400006';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner);
    if (!dialect.summaryTriggers) return;
    for (const ddl of [...dialect.functions, ...COUNTS_DDL]) await queryRunner.query(ddl);
    for (const table of Object.values(CREDENTIAL_TABLES)) {
      await queryRunner.query(
        `CREATE INDEX IF NOT EXISTS idx_${table}_codes ON ${table}` +
          ` USING gin (error_codes jsonb_path_ops) WHERE error_codes <> '[]'`,
      );
      for (const ddl of countsTableDdl(table)) await queryRunner.query(ddl);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // An older version reads neither the counts nor an exact cooldown_until: they would only
    // cost its writes.
    if (!dialectOf(queryRunner).summaryTriggers) return;
    for (const table of Object.values(CREDENTIAL_TABLES)) {
      for (const name of TRIGGERS)
        await queryRunner.query(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
    }
    await queryRunner.query('DROP TABLE IF EXISTS gcli_summary_counts, gcli_summary_deltas');
  }
}
