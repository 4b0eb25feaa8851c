import type { Namespace } from '../../storage-backend.interface';

/** Table per namespace; the names are those of the Python gateway, so its databases open as-is. */
export const CREDENTIAL_TABLES: Record<Namespace, string> = {
  geminicli: 'credentials',
  antigravity: 'antigravity_credentials',
};

export const CONFIG_TABLE = 'config';
export const ENTRIES_TABLE = 'gcli_entries';
export const META_TABLE = 'gcli_meta';

const STATE_COLUMNS =
  'filename, rotation_order, id, disabled, error_codes, last_success, user_email, model_cooldowns, call_count, problem';

/**
 * `cooldown_until` after a cooldown `?` (the same value twice) is set: the later of the two, or
 * unchanged when `?` is NULL. It stays an upper bound of the stored cooldown ends (a cleared
 * cooldown leaves it as it was, so success writes need not touch it); readers confirm a row it
 * selects with gcli_cooling (see summary-sql.ts).
 */
const RAISED_COOLDOWN_UNTIL =
  'COALESCE(CASE WHEN cooldown_until >= ? THEN cooldown_until ELSE ? END, cooldown_until)';

/** The statements of one credential table, written once for every SQL engine. */
export function credentialStatements(table: string) {
  return {
    exists: `SELECT 1 AS found FROM ${table} WHERE filename = ?`,
    upsert:
      `INSERT INTO ${table} (filename, credential_data, disabled, error_codes, last_success,` +
      ` model_cooldowns, rotation_order, call_count, created_at, updated_at)` +
      ` VALUES (?, ?, FALSE, '[]', ?, '{}', (SELECT COALESCE(MAX(rotation_order), 0) + 1 FROM ${table}), 0, ?, ?)` +
      ` ON CONFLICT (filename) DO UPDATE SET credential_data = excluded.credential_data,` +
      ` updated_at = excluded.updated_at`,
    count: `SELECT COUNT(*) AS n FROM ${table}`,
    getData: `SELECT credential_data FROM ${table} WHERE filename = ?`,
    getDataOf: (count: number) =>
      `SELECT filename, credential_data FROM ${table} WHERE filename IN (${Array(count).fill('?').join(', ')})`,
    setData: `UPDATE ${table} SET credential_data = ?, updated_at = ? WHERE filename = ?`,
    setProblem: `UPDATE ${table} SET problem = ?, updated_at = ? WHERE filename = ?`,
    delete: `DELETE FROM ${table} WHERE filename = ?`,
    listNames: `SELECT filename FROM ${table} ORDER BY rotation_order, id`,
    getState: `SELECT ${STATE_COLUMNS} FROM ${table} WHERE filename = ?`,
    setDisabled: `UPDATE ${table} SET disabled = CASE WHEN ? = 1 THEN TRUE ELSE FALSE END, updated_at = ? WHERE filename = ?`,
    setEmail: `UPDATE ${table} SET user_email = ?, updated_at = ? WHERE filename = ?`,
    setLastSuccess: `UPDATE ${table} SET last_success = ?, updated_at = ? WHERE filename = ?`,
    restoreState:
      `UPDATE ${table} SET disabled = CASE WHEN ? = 1 THEN TRUE ELSE FALSE END, error_codes = ?,` +
      ` last_success = ?, user_email = ?, model_cooldowns = ?, cooldown_until = ?, call_count = ?,` +
      ` problem = ?, updated_at = ? WHERE filename = ?`,
    setCooldown:
      `UPDATE ${table} SET model_cooldowns = gcli_cooldown_set(model_cooldowns, ?, ?),` +
      ` cooldown_until = ${RAISED_COOLDOWN_UNTIL}, updated_at = ? WHERE filename = ?`,
    recordSuccess:
      `UPDATE ${table} SET last_success = ?, error_codes = '[]', call_count = call_count + ?,` +
      // Most successes have no cooldown to clear: skip the function call then.
      ` model_cooldowns = CASE WHEN model_cooldowns = '{}' THEN model_cooldowns` +
      ` ELSE gcli_cooldown_set(model_cooldowns, ?, NULL) END WHERE filename = ?`,
    recordSuccessNoModel:
      `UPDATE ${table} SET last_success = ?, error_codes = '[]', call_count = call_count + ?` +
      ` WHERE filename = ?`,
    recordFailure: `UPDATE ${table} SET error_codes = gcli_push_code(error_codes, ?, ?) WHERE filename = ?`,
    recordFailureCooldown:
      `UPDATE ${table} SET error_codes = gcli_push_code(error_codes, ?, ?),` +
      ` model_cooldowns = gcli_cooldown_set(model_cooldowns, ?, ?),` +
      ` cooldown_until = ${RAISED_COOLDOWN_UNTIL} WHERE filename = ?`,
    summaryRows: (where: string) =>
      `SELECT ${STATE_COLUMNS} FROM ${table}${where} ORDER BY rotation_order, id LIMIT ? OFFSET ?`,
    summaryCount: (where: string) => `SELECT COUNT(*) AS n FROM ${table}${where}`,
    // Two indexed counts: a SUM over `disabled` would read every row.
    stats:
      `SELECT (SELECT COUNT(*) FROM ${table}) AS total,` +
      ` (SELECT COUNT(*) FROM ${table} WHERE disabled = TRUE) AS disabled`,
  };
}

export type CredentialStatements = ReturnType<typeof credentialStatements>;

export const CONFIG_STATEMENTS = {
  get: `SELECT value FROM ${CONFIG_TABLE} WHERE key = ?`,
  set:
    `INSERT INTO ${CONFIG_TABLE} (key, value, updated_at) VALUES (?, ?, ?)` +
    ` ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  delete: `DELETE FROM ${CONFIG_TABLE} WHERE key = ?`,
  all: `SELECT key, value FROM ${CONFIG_TABLE} ORDER BY key`,
  count: `SELECT COUNT(*) AS n FROM ${CONFIG_TABLE}`,
};

export const ENTRY_STATEMENTS = {
  set:
    `INSERT INTO ${ENTRIES_TABLE} (key, value, expires_at) VALUES (?, ?, ?)` +
    ` ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  setIfAbsent:
    `INSERT INTO ${ENTRIES_TABLE} (key, value, expires_at) VALUES (?, ?, ?)` +
    ` ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at` +
    ` WHERE ${ENTRIES_TABLE}.expires_at <= ?`,
  get: `SELECT value FROM ${ENTRIES_TABLE} WHERE key = ? AND expires_at > ?`,
  delete: `DELETE FROM ${ENTRIES_TABLE} WHERE key = ? AND expires_at > ?`,
  deleteIf: `DELETE FROM ${ENTRIES_TABLE} WHERE key = ? AND expires_at > ? AND value = ?`,
  purge: `DELETE FROM ${ENTRIES_TABLE} WHERE expires_at <= ?`,
};

export const META_STATEMENTS = {
  version: `SELECT value FROM ${META_TABLE} WHERE key = 'version'`,
  bump: `UPDATE ${META_TABLE} SET value = value + 1 WHERE key = 'version'`,
};
