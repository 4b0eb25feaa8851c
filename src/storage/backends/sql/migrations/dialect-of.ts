import type { QueryRunner } from 'typeorm';
import { POSTGRES_DIALECT, SQLITE_DIALECT, type SqlDialect } from '../sql-dialect';

const BY_DRIVER: Record<string, SqlDialect> = {
  'better-sqlite3': SQLITE_DIALECT,
  postgres: POSTGRES_DIALECT,
};

/** The dialect of the connection a migration runs on. */
export function dialectOf(queryRunner: QueryRunner): SqlDialect {
  const type = queryRunner.connection.options.type;
  const dialect = BY_DRIVER[type];
  if (!dialect) throw new Error(`No SQL dialect for TypeORM driver ${type}`);
  return dialect;
}
