import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect-of';
import { CONFIG_TABLE, CREDENTIAL_TABLES } from '../sql-statements';

/**
 * The credential and config tables, with the names and columns of the Python gateway so that
 * its databases open as they are. A table made by an older version gains its missing columns.
 */
export class InitialSchema1764374400000 implements MigrationInterface {
  name = 'InitialSchema1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialectOf(queryRunner).types;
    const columns: Array<[string, string]> = [
      ['credential_data', `${t.json} NOT NULL DEFAULT '{}'`],
      ['disabled', `${t.bool} NOT NULL DEFAULT FALSE`],
      ['error_codes', `${t.json} NOT NULL DEFAULT '[]'`],
      ['last_success', t.double],
      ['user_email', t.text],
      ['model_cooldowns', `${t.json} NOT NULL DEFAULT '{}'`],
      ['rotation_order', `${t.int} NOT NULL DEFAULT 0`],
      ['call_count', `${t.int} NOT NULL DEFAULT 0`],
      ['created_at', t.double],
      ['updated_at', t.double],
    ];
    for (const table of Object.values(CREDENTIAL_TABLES)) {
      const body = columns.map(([name, type]) => `${name} ${type}`).join(', ');
      await queryRunner.query(
        `CREATE TABLE IF NOT EXISTS ${table} (id ${t.id}, filename TEXT NOT NULL UNIQUE, ${body})`,
      );
      for (const [name, type] of columns) {
        if (!(await queryRunner.hasColumn(table, name))) {
          await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
        }
      }
    }
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS ${CONFIG_TABLE} (key TEXT PRIMARY KEY, value ${t.json} NOT NULL, updated_at ${t.double})`,
    );
  }

  async down(): Promise<void> {
    // Dropping users' credentials is never an automatic step.
  }
}
