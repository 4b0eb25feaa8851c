import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect-of';
import { CREDENTIAL_TABLES } from '../sql-statements';

/**
 * What lets a status page with any filter answer without reading every row (issue 17):
 * - `cooldown_until`, at least the latest cooldown end of any model (NULL: none), raised by the
 *   statements that set a cooldown, so "cools down now" is an indexed comparison instead of a
 *   JSON function call per row;
 * - page indexes in insertion order, one led by `disabled`, both holding the filter columns, so
 *   that a deep page skips its offset inside the index;
 * - partial indexes over the few credentials with error codes, a problem or a cooldown, so those
 *   filters and their counts visit only them.
 */
export class SummaryIndexes1764374400005 implements MigrationInterface {
  name = 'SummaryIndexes1764374400005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner);
    // gcli_cooldown_max is new: created here for databases made before it.
    for (const ddl of dialect.functions) await queryRunner.query(ddl);
    for (const table of Object.values(CREDENTIAL_TABLES)) {
      if (!(await queryRunner.hasColumn(table, 'cooldown_until'))) {
        await queryRunner.query(
          `ALTER TABLE ${table} ADD COLUMN cooldown_until ${dialect.types.double}`,
        );
      }
      await queryRunner.query(
        `UPDATE ${table} SET cooldown_until = gcli_cooldown_max(model_cooldowns)` +
          ` WHERE model_cooldowns <> '{}'`,
      );
      const indexes = [
        `idx_${table}_page ON ${table} (rotation_order, id, disabled, cooldown_until, problem)`,
        `idx_${table}_status ON ${table} (disabled, rotation_order, id, cooldown_until, problem)`,
        `idx_${table}_cooling ON ${table} (cooldown_until) WHERE cooldown_until IS NOT NULL`,
        `idx_${table}_errors ON ${table} (rotation_order, id) WHERE error_codes <> '[]'`,
        `idx_${table}_problem ON ${table} (rotation_order, id) WHERE problem IS NOT NULL`,
      ];
      for (const index of indexes) await queryRunner.query(`CREATE INDEX IF NOT EXISTS ${index}`);
      // The page indexes start with the same columns: the old ones would only cost writes.
      await queryRunner.query(`DROP INDEX IF EXISTS idx_${table}_order`);
      await queryRunner.query(`DROP INDEX IF EXISTS idx_${table}_disabled`);
    }
  }

  async down(): Promise<void> {
    // Kept: the column and indexes are derived data that older versions ignore.
  }
}
