import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect-of';
import { CREDENTIAL_TABLES, ENTRIES_TABLE, META_TABLE } from '../sql-statements';

/** Short-lived entries, the change marker, the summary indexes and the SQL functions. */
export class GatewayTables1764374400001 implements MigrationInterface {
  name = 'GatewayTables1764374400001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner);
    const t = dialect.types;
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS ${ENTRIES_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at ${t.double} NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS idx_gcli_entries_expiry ON ${ENTRIES_TABLE} (expires_at)`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key TEXT PRIMARY KEY, value ${t.int} NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO ${META_TABLE} (key, value) VALUES ('version', 0) ON CONFLICT (key) DO NOTHING`,
    );
    for (const table of Object.values(CREDENTIAL_TABLES)) {
      await queryRunner.query(
        `CREATE INDEX IF NOT EXISTS idx_${table}_order ON ${table} (rotation_order, id)`,
      );
      await queryRunner.query(
        `CREATE INDEX IF NOT EXISTS idx_${table}_disabled ON ${table} (disabled)`,
      );
    }
    for (const ddl of dialect.functions) await queryRunner.query(ddl);
  }

  async down(): Promise<void> {
    // Kept: later versions rely on these tables.
  }
}
