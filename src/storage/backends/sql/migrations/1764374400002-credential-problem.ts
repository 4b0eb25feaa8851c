import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CREDENTIAL_TABLES } from '../sql-statements';

/**
 * The `problem` column: why a credential cannot serve, as JSON text (`{"code":...}` first, so a
 * code filter is a prefix match that both engines answer the same way). NULL means none.
 */
export class CredentialProblem1764374400002 implements MigrationInterface {
  name = 'CredentialProblem1764374400002';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of Object.values(CREDENTIAL_TABLES)) {
      if (!(await queryRunner.hasColumn(table, 'problem'))) {
        await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN problem TEXT`);
      }
    }
  }

  async down(): Promise<void> {
    // Kept: dropping a column loses what it says about users' credentials.
  }
}
