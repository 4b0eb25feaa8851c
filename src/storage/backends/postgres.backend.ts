import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { redactSecrets, redactUrl } from '../../common/redact-url';
import { StorageUnavailableError } from '../storage.errors';
import { SQL_MIGRATIONS } from './sql/migrations';
import { PgDriver } from './sql/pg-driver';
import { classifyPgError } from './sql/pg-errors';
import { migratePostgres } from './sql/run-migrations';
import { SqlBackend } from './sql/sql.backend';
import { POSTGRES_DIALECT } from './sql/sql-dialect';

import type { StorageClock } from '../storage-clock';
import type { StorageRules } from '../storage-rules';

export { POSTGRES_BACKEND_NAME } from '../backend-names';

export interface PostgresBackendOptions {
  /**
   * `postgres://user:password@host:port/database`. `sslmode=require` encrypts without verifying
   * the server's certificate, `verify-ca` and `verify-full` encrypt and verify it; any other or
   * no `sslmode` connects without TLS.
   */
  dsn: string;
  /** Connections the pool keeps open while idle. Default 2. */
  poolMin?: number;
  /** Connections the pool opens at most. Default 10. */
  poolMax?: number;
  /** Longest a statement may run before the server cancels it, in milliseconds. Default 30000. */
  statementTimeoutMs?: number;
  /** Longest wait for a new connection, in milliseconds. Default 10000. */
  connectTimeoutMs?: number;
  /** The rotation rules to enforce (how many error codes to keep...). Default STORAGE_RULES. */
  rules?: StorageRules;
  /** Where "now" comes from (entry expiry, default cooldown time). Default the system clock. */
  clock?: StorageClock;
}

/** The TLS settings a DSN asks for, and the DSN to hand to node-postgres. */
export interface PostgresTls {
  /** The DSN without `sslmode`: node-postgres would let it override `ssl`. */
  url: string;
  /** `false` for no TLS; otherwise whether the server's certificate must be valid. */
  ssl: false | { rejectUnauthorized: boolean };
}

/** Reads `sslmode` from a DSN: `require` encrypts only, `verify-ca`/`verify-full` also verify. */
export function postgresTls(dsn: string): PostgresTls {
  const url = new URL(dsn);
  const mode = url.searchParams.get('sslmode');
  if (mode === null) return { url: dsn, ssl: false };
  url.searchParams.delete('sslmode');
  const verify = mode === 'verify-ca' || mode === 'verify-full';
  const ssl = mode === 'require' || verify ? { rejectUnauthorized: verify } : false;
  return { url: url.toString(), ssl };
}

/** PostgreSQL through TypeORM (pool and migrations) and node-postgres (pipelined statements). */
export class PostgresBackend extends SqlBackend {
  readonly kind = 'postgresql' as const;
  readonly classifyError = classifyPgError;
  private dataSource?: DataSource;
  private readonly pool: { min: number; max: number };

  constructor(private readonly options: PostgresBackendOptions) {
    super(POSTGRES_DIALECT, options.rules, options.clock);
    this.pool = { min: options.poolMin ?? 2, max: options.poolMax ?? 10 };
  }

  protected async open() {
    try {
      return await this.connectPool();
    } catch (err) {
      await this.shutdown();
      const target = redactUrl(this.options.dsn);
      throw new StorageUnavailableError(
        `cannot connect to PostgreSQL at ${target}: ${this.reason(err)}`,
        'postgresql',
      );
    }
  }

  private async connectPool() {
    const { url, ssl } = postgresTls(this.options.dsn);
    this.dataSource = new DataSource({
      type: 'postgres',
      url,
      migrations: SQL_MIGRATIONS,
      synchronize: false,
      logging: false,
      poolSize: this.pool.max,
      // A pooled connection that dies while idle (server restart, network) is replaced on the
      // next checkout; without a listener its 'error' event would end the process.
      poolErrorHandler: () => {},
      extra: {
        ...this.pool,
        ssl,
        statement_timeout: this.options.statementTimeoutMs ?? 30_000,
        connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
        // Bulk writes go out back to back on one connection instead of one round trip each.
        pipeline: true,
      },
    });
    await this.dataSource.initialize();
    await migratePostgres(this.dataSource);
    return new PgDriver(poolOf(this.dataSource)!);
  }

  protected async shutdown() {
    const dataSource = this.dataSource;
    this.dataSource = undefined;
    try {
      if (dataSource?.isInitialized) await dataSource.destroy();
      // initialize() can fail after the pool exists without closing it.
      else await poolOf(dataSource)?.end();
    } catch {
      // Closing is best effort: the connections are gone or going either way.
    }
  }

  protected describe() {
    const url = new URL(this.options.dsn);
    const database = decodeURIComponent(url.pathname.slice(1));
    // Only the user name is shown: even a masked password reads as `user:***@` credentials.
    url.password = '';
    return {
      target: redactUrl(url.toString()),
      host: url.host || url.searchParams.get('host') || undefined,
      database: database || undefined,
      tls: postgresTls(this.options.dsn).ssl !== false,
      pool: { ...this.pool },
    };
  }

  /** The driver's reason, with the DSN's password masked even where it is not in URL form. */
  private reason(err: unknown): string {
    const e = err as { message?: string; code?: string } | undefined;
    let text = redactSecrets(e?.message || e?.code || String(err));
    try {
      const raw = new URL(this.options.dsn).password;
      for (const secret of new Set([raw, decodeURIComponent(raw)])) {
        if (secret) text = text.split(secret).join('***');
      }
    } catch {
      // Not a URL: it has no password to hide.
    }
    return text;
  }
}

/** The node-postgres pool TypeORM's postgres driver keeps as `master`, once it exists. */
function poolOf(dataSource: DataSource | undefined): Pool | undefined {
  return (dataSource?.driver as unknown as { master?: Pool } | undefined)?.master;
}
