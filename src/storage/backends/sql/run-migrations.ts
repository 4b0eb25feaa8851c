import type { Database } from 'better-sqlite3';
import { type DataSource, MigrationExecutor } from 'typeorm';

/**
 * Runs the pending migrations so that processes starting together on one database (several
 * WORKERS, two gateways on one file or server) apply each migration once. TypeORM's own runner
 * reads which migrations have run before it takes any lock, so two processes on a new database
 * both created its tables: one failed with "table already exists" or "database is locked".
 */

/**
 * SQLite: every pending migration in one `BEGIN IMMEDIATE` transaction. It takes the write lock
 * first (waiting up to the busy timeout), so the list of applied migrations is read under the lock
 * and a process that waited finds nothing left to do.
 */
export async function migrateSqlite(dataSource: DataSource, db: Database): Promise<void> {
  const runner = dataSource.createQueryRunner();
  db.exec('BEGIN IMMEDIATE');
  try {
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'none';
    await executor.executePendingMigrations();
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  } finally {
    await runner.release();
  }
}

/** The advisory lock every gateway takes on a PostgreSQL database while migrating it. */
export const MIGRATION_LOCK_KEY = 0x6763_6c69_3261; // "gcli2a"

/**
 * PostgreSQL: the pending migrations in one transaction, run while holding a session advisory
 * lock on the same connection, so a second process waits, then finds them applied.
 */
export async function migratePostgres(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      await executor.executePendingMigrations();
    } finally {
      // Best effort: a connection that died took its lock with it.
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await runner.release();
  }
}
