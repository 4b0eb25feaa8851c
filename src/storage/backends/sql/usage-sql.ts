import type {
  Namespace,
  UsageCounter,
  UsageFilter,
  UsageIncrement,
} from '../../storage-backend.interface';
import type { SqlDriver } from './sql-driver';

export const USAGE_TABLE = 'gcli_usage';

const COLUMNS = 'day, namespace, credential, model, metric';

const INCREMENT =
  `INSERT INTO ${USAGE_TABLE} (${COLUMNS}, value) VALUES (?, ?, ?, ?, ?, ?)` +
  ` ON CONFLICT (${COLUMNS}) DO UPDATE SET value = ${USAGE_TABLE}.value + excluded.value`;

/** `WHERE ...` and its parameters for a usage filter (empty when it covers everything). */
function where(filter: UsageFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    if (value === undefined) return;
    parts.push(sql);
    params.push(value);
  };
  add('namespace = ?', filter.ns);
  add('credential = ?', filter.credential);
  add('model = ?', filter.model);
  add('day >= ?', filter.from);
  add('day <= ?', filter.to);
  return { sql: parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '', params };
}

type Row = {
  day: string;
  namespace: string;
  credential: string;
  model: string;
  metric: string;
  value: unknown;
};

/** Usage counters on PostgreSQL and SQLite: atomic upserts that add, in one transaction. */
export const usageSql = {
  increment(db: SqlDriver, increments: readonly UsageIncrement[]): Promise<void> {
    return db.runMany(
      INCREMENT,
      increments.map((i) => [i.day, i.ns, i.credential, i.model, i.metric, i.by]),
    );
  },

  async list(db: SqlDriver, filter: UsageFilter): Promise<UsageCounter[]> {
    const { sql, params } = where(filter);
    const rows = await db.all<Row>(
      `SELECT ${COLUMNS}, value FROM ${USAGE_TABLE}${sql} ORDER BY ${COLUMNS}`,
      params,
    );
    return rows.map((row) => ({
      day: row.day,
      ns: row.namespace as Namespace,
      credential: row.credential,
      model: row.model,
      metric: row.metric,
      value: Number(row.value),
    }));
  },

  async delete(db: SqlDriver, filter: UsageFilter): Promise<void> {
    const { sql, params } = where(filter);
    await db.run(`DELETE FROM ${USAGE_TABLE}${sql}`, params);
  },
};
