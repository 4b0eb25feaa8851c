import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { StorageUnavailableError } from '../storage.errors';
import { SQL_MIGRATIONS } from './sql/migrations';
import { migrateSqlite } from './sql/run-migrations';
import { SqlBackend } from './sql/sql.backend';
import { classifySqliteError } from './sql/sqlite-errors';
import { SQLITE_DIALECT } from './sql/sql-dialect';
import { registerSqliteFunctions, SqliteDriver } from './sql/sqlite-driver';

import type { StorageClock } from '../storage-clock';
import type { StorageRules } from '../storage-rules';

export { SQLITE_BACKEND_NAME } from '../backend-names';

export interface SqliteBackendOptions {
  /** Path of the database file; its directory is created when missing. */
  file: string;
  /** How long a write waits for another process's lock, in milliseconds. Default 5000. */
  busyTimeoutMs?: number;
  /** The rotation rules to enforce (how many error codes to keep...). Default STORAGE_RULES. */
  rules?: StorageRules;
  /** Where "now" comes from (entry expiry, default cooldown time). Default the system clock. */
  clock?: StorageClock;
}

/** SQLite through TypeORM (connection and migrations) and better-sqlite3 (statements), in WAL mode. */
export class SqliteBackend extends SqlBackend {
  readonly kind = 'sqlite' as const;
  readonly classifyError = classifySqliteError;
  private dataSource?: DataSource;
  private readonly file: string;

  constructor(private readonly options: SqliteBackendOptions) {
    super(SQLITE_DIALECT, options.rules, options.clock);
    this.file = resolve(options.file);
  }

  protected async open() {
    try {
      return await this.openFile();
    } catch (err) {
      await this.shutdown().catch(() => {});
      const reason = err instanceof Error ? err.message : String(err);
      throw new StorageUnavailableError(
        `cannot open SQLite database ${this.file}: ${reason}`,
        'sqlite',
      );
    }
  }

  private async openFile() {
    mkdirSync(dirname(this.file), { recursive: true });
    // A new database holds refresh tokens: its owner's alone (SQLite gives its WAL files the
    // same mode). An existing file keeps the mode its owner chose.
    closeSync(openSync(this.file, 'a', 0o600));
    this.dataSource = new DataSource({
      type: 'better-sqlite3',
      database: this.file,
      timeout: this.options.busyTimeoutMs ?? 5000,
      enableWAL: true,
      prepareDatabase: (db: Database) => registerSqliteFunctions(db),
      migrations: SQL_MIGRATIONS,
      synchronize: false,
      logging: false,
    });
    await this.dataSource.initialize();
    const db = (this.dataSource.driver as unknown as { databaseConnection: Database })
      .databaseConnection;
    await migrateSqlite(this.dataSource, db);
    db.pragma('synchronous = NORMAL');
    return new SqliteDriver(db);
  }

  protected async shutdown() {
    const dataSource = this.dataSource;
    this.dataSource = undefined;
    if (dataSource?.isInitialized) await dataSource.destroy();
  }

  protected describe() {
    return { target: this.file, database: this.file, tls: false };
  }
}
