import type { Database, Statement } from 'better-sqlite3';
import {
  hasErrorCode,
  isCooling,
  latestCooldown,
  pushErrorCode,
  setCooldown,
} from './credential-json';
import type { SqlDriver, SqlStep } from './sql-driver';

/** Registers the functions the shared statements call (PostgreSQL gets SQL twins instead). */
export function registerSqliteFunctions(db: Database): void {
  const deterministic = { deterministic: true };
  db.function('gcli_push_code', deterministic, (codes, code, kept) =>
    pushErrorCode(codes as string | null, Number(code), Number(kept)),
  );
  db.function('gcli_has_code', deterministic, (codes, code) =>
    hasErrorCode(codes as string | null, Number(code)),
  );
  db.function('gcli_cooldown_set', deterministic, (cooldowns, key, until) =>
    setCooldown(cooldowns as string | null, String(key), until === null ? null : Number(until)),
  );
  db.function('gcli_cooldown_max', deterministic, (cooldowns) =>
    latestCooldown(cooldowns as string | null),
  );
  db.function('gcli_cooling', deterministic, (cooldowns, key, now) =>
    isCooling(cooldowns as string | null, key === null ? null : String(key), Number(now)),
  );
}

/**
 * better-sqlite3 is synchronous: each call runs at once on the one connection, from a cache of
 * prepared statements, and transactions cannot interleave with other callers.
 */
export class SqliteDriver implements SqlDriver {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params) as T[];
  }

  async column<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    // Plucking is a mode of the cached statement: switched off again before anyone else runs it.
    const statement = this.prepare(sql).pluck(true);
    try {
      return statement.all(...params) as T[];
    } finally {
      statement.pluck(false);
    }
  }

  async get<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return this.prepare(sql).get(...params) as T | undefined;
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.prepare(sql).run(...params).changes;
  }

  async runMany(sql: string, rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
    const statement = this.prepare(sql);
    this.db
      .transaction(() => {
        for (const row of rows) statement.run(...row);
      })
      .immediate();
  }

  async batch(steps: readonly SqlStep[]): Promise<number[]> {
    return this.db
      .transaction(() => steps.map((step) => this.prepare(step.sql).run(...step.params).changes))
      .immediate();
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
