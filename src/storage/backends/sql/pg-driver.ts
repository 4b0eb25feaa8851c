import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import type { SqlDriver, SqlStep } from './sql-driver';

/** Rows of one bulk write sent before waiting for their answers; bounds the memory in flight. */
const PIPELINE_WINDOW = 1_000;

/**
 * node-postgres over a pool. Each shared statement is rewritten once from `?` to `$n` and sent as
 * a named prepared statement, so a connection parses it only the first time it runs it.
 * Transactions hold one pooled client; on a client created with `pipeline: true` their statements
 * are written back to back instead of one round trip each.
 */
export class PgDriver implements SqlDriver {
  private readonly statements = new Map<string, { name: string; text: string }>();

  constructor(private readonly pool: Pool) {
    // The pool listens for errors only on idle clients. A checked-out client whose connection
    // dies (server killed, network cut) emits 'error', and an 'error' nobody hears ends the
    // process. Every client gets a listener for its whole life on its first checkout; its
    // pending queries fail on their own, which is how callers learn of it.
    const heard = new WeakSet<PoolClient>();
    pool.on('acquire', (client) => {
      if (heard.has(client)) return;
      heard.add(client);
      client.on('error', () => {});
    });
  }

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pool.query(this.query(sql, params))).rows as T[];
  }

  async column<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    // Rows as arrays: no object with named fields per row.
    const query = { ...this.query(sql, params), rowMode: 'array' as const };
    const { rows } = await this.pool.query<unknown[]>(query);
    return rows.map((row) => row[0] as T);
  }

  async get<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.pool.query(this.query(sql, params))).rowCount ?? 0;
  }

  async runMany(sql: string, rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
    await this.transaction(async (client) => {
      for (let start = 0; start < rows.length; start += PIPELINE_WINDOW) {
        const window = rows.slice(start, start + PIPELINE_WINDOW);
        const queries = window.map((params) => this.query(sql, params));
        await sendAll(client, queries);
      }
    });
  }

  async batch(steps: readonly SqlStep[]): Promise<number[]> {
    return this.transaction(async (client) => {
      const queries = steps.map((step) => this.query(step.sql, step.params));
      const results = await sendAll(client, queries);
      return results.map((result) => result.rowCount ?? 0);
    });
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A client whose connection failed during the transaction must not go back to the pool.
    let broken: Error | undefined;
    const onError = (err: Error) => (broken ??= err);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A client whose ROLLBACK fails is in an unknown state: the pool must discard it.
      if (!broken) await client.query('ROLLBACK').catch((e: Error) => (broken ??= e));
      throw err;
    } finally {
      client.release(broken);
      client.off('error', onError);
    }
  }

  private query(sql: string, params: readonly unknown[]): QueryConfig {
    let statement = this.statements.get(sql);
    if (!statement) {
      let n = 0;
      // Shared statements never hold `?` inside a string literal, so every `?` is a parameter.
      const text = sql.replace(/\?/g, () => `$${++n}`);
      const name = `gcli_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      statement = { name, text };
      this.statements.set(sql, statement);
    }
    return { ...statement, values: params as unknown[] };
  }
}

/**
 * Sends the queries on one client and returns their results in order. On a pipelining client they
 * all go out at once; the first failure is thrown after every answer has arrived, so none is left
 * unhandled (those after it fail only because the transaction is aborted).
 */
async function sendAll(client: PoolClient, queries: QueryConfig[]): Promise<QueryResult[]> {
  if (!client.pipeline) {
    const results: QueryResult[] = [];
    for (const query of queries) results.push(await client.query(query));
    return results;
  }
  const settled = await Promise.allSettled(queries.map((query) => client.query(query)));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<QueryResult>).value);
}
