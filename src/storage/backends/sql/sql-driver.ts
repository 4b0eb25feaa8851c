/** One statement with positional `?` parameters. */
export interface SqlStep {
  sql: string;
  params: readonly unknown[];
}

/**
 * The little the shared SQL backend needs from a database connection. Statements are written once
 * with `?` placeholders; each driver adapts them to its engine and caches prepared forms.
 */
export interface SqlDriver {
  /** Every row of a query. */
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The first column of every row: no object per row, for long single-column listings. */
  column<T = unknown>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The first row, or `undefined`. */
  get<T = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<T | undefined>;
  /** Runs a write and returns how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs the same statement once per parameter list, all in one transaction. */
  runMany(sql: string, rows: ReadonlyArray<readonly unknown[]>): Promise<void>;
  /** Runs the steps in one transaction, in order; returns each step's change count. */
  batch(steps: readonly SqlStep[]): Promise<number[]>;
}
