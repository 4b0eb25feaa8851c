import { POSTGRES_FUNCTIONS } from './postgres-functions';

/**
 * What differs between the SQL engines, as data. Everything else (statements, mapping, rules)
 * is shared by sql.backend.ts.
 */
export interface SqlDialect {
  /** Column types used by the migrations. */
  types: { id: string; json: string; double: string; bool: string; text: string; int: string };
  /** Functions the shared statements call, created by a migration (SQLite registers JS ones). */
  functions: readonly string[];
  /**
   * The clause (and its one parameter) that keeps credentials whose `error_codes` hold a code,
   * used after `error_codes <> '[]'` has narrowed the rows.
   */
  hasErrorCode: { clause: string; param(code: number): unknown };
  /**
   * Whether triggers keep per-bucket credential counts and an exact `cooldown_until` (the latest
   * cooldown end) for status pages (summary-counts.ts). SQLite reads its indexes in a few
   * milliseconds and needs neither.
   */
  summaryTriggers: boolean;
  /** Turns a JSON column value as the driver returns it into the stored value. */
  decodeJson(value: unknown): unknown;
  /** Turns a boolean column value as the driver returns it into a boolean. */
  decodeBool(value: unknown): boolean;
}

export const SQLITE_DIALECT: SqlDialect = {
  types: {
    id: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    json: 'TEXT',
    double: 'REAL',
    bool: 'INTEGER',
    text: 'TEXT',
    int: 'INTEGER',
  },
  functions: [],
  hasErrorCode: { clause: 'gcli_has_code(error_codes, ?) = 1', param: (code) => code },
  summaryTriggers: false,
  // better-sqlite3 returns TEXT columns as the JSON text we stored.
  decodeJson: (value) =>
    value === '[]' ? [] : value === '{}' ? {} : value == null ? value : JSON.parse(value as string),
  decodeBool: (value) => value === 1 || value === true,
};

export const POSTGRES_DIALECT: SqlDialect = {
  types: {
    id: 'SERIAL PRIMARY KEY',
    json: 'JSONB',
    double: 'DOUBLE PRECISION',
    bool: 'BOOLEAN',
    text: 'TEXT',
    int: 'BIGINT',
  },
  functions: POSTGRES_FUNCTIONS,
  // Containment in C, which the GIN index of migration SummaryCounts answers: a function call
  // per row with codes cost about 20 us.
  hasErrorCode: { clause: 'error_codes @> ?::jsonb', param: (code) => JSON.stringify([code]) },
  summaryTriggers: true,
  // pg parses JSONB itself; parsing again would turn the stored string "123" into a number.
  decodeJson: (value) => value,
  decodeBool: (value) => value === true,
};
