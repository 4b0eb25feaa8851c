import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect-of';

/**
 * The SQL functions again, now that `gcli_push_code` takes how many codes to keep as a parameter
 * (StorageRules.errorCodesKept) instead of a number of its own. Every function is CREATE OR
 * REPLACE, so this is safe on any database; no stored data changes. The two-argument
 * `gcli_push_code` of earlier versions is left in place for a gateway of that version that still
 * shares the database.
 */
export class ErrorCodesKeptParameter1764374400004 implements MigrationInterface {
  name = 'ErrorCodesKeptParameter1764374400004';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const ddl of dialectOf(queryRunner).functions) await queryRunner.query(ddl);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (dialectOf(queryRunner).functions.length === 0) return;
    await queryRunner.query('DROP FUNCTION IF EXISTS gcli_push_code(jsonb, integer, integer)');
  }
}
