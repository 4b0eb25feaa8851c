import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect-of';
import { USAGE_TABLE } from '../usage-sql';

/** Usage counters: one row per day, namespace, credential, model and metric. */
export class UsageTable1764374400003 implements MigrationInterface {
  name = 'UsageTable1764374400003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialectOf(queryRunner).types;
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS ${USAGE_TABLE} (day TEXT NOT NULL, namespace TEXT NOT NULL,` +
        ` credential TEXT NOT NULL, model TEXT NOT NULL, metric TEXT NOT NULL, value ${t.int} NOT NULL,` +
        ` PRIMARY KEY (day, namespace, credential, model, metric))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${USAGE_TABLE}`);
  }
}
