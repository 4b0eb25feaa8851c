import type { RotationState } from '../../storage-backend.interface';
import { liveCooldowns } from './credential-json';
import type { SqlDialect } from './sql-dialect';
import type { SqlDriver } from './sql-driver';
import { META_TABLE } from './sql-statements';

/**
 * The reads the rotation index is built from, and the counter behind its names mark. The
 * counter (a `gcli_meta` row per table) is raised after every add or delete has committed, so a
 * mark read before a listing never vouches for a listing that misses a change. The row count and
 * the highest id (AUTOINCREMENT / SERIAL: never reused) join it, so that a writer which does not
 * raise the counter (an older gateway on the same database) still moves the mark.
 */
export function rotationStatements(table: string) {
  const counter = `'names:${table}'`;
  return {
    bumpNames:
      `INSERT INTO ${META_TABLE} (key, value) VALUES (${counter}, 1)` +
      ` ON CONFLICT (key) DO UPDATE SET value = ${META_TABLE}.value + 1`,
    namesMark:
      `SELECT (SELECT value FROM ${META_TABLE} WHERE key = ${counter}) AS v,` +
      ` COUNT(*) AS n, MAX(id) AS m FROM ${table}`,
    // Both read an index of their own (idx_*_status, idx_*_cooling).
    disabled: `SELECT filename FROM ${table} WHERE disabled = TRUE`,
    cooling: `SELECT filename, model_cooldowns FROM ${table} WHERE cooldown_until > ?`,
  };
}

export type RotationStatements = ReturnType<typeof rotationStatements>;

/** See CredentialStore.readRotationState. */
export async function readRotationState(
  db: SqlDriver,
  dialect: SqlDialect,
  t: RotationStatements,
  listNames: () => Promise<string[]>,
  options: { now: number; namesMark?: string | null },
): Promise<RotationState> {
  const row = await db.get<{ v: unknown; n: unknown; m: unknown }>(t.namesMark);
  const namesMark = `${Number(row?.v ?? 0)}:${Number(row?.n ?? 0)}:${Number(row?.m ?? 0)}`;
  const [names, disabled, cooling] = await Promise.all([
    namesMark === options.namesMark ? undefined : listNames(),
    db.column<string>(t.disabled),
    db.all<{ filename: string; model_cooldowns: unknown }>(t.cooling, [options.now]),
  ]);
  const cooldowns = cooling.flatMap(({ filename, model_cooldowns }) => {
    const modelCooldowns = liveCooldowns(dialect.decodeJson(model_cooldowns), options.now);
    return Object.keys(modelCooldowns).length > 0 ? [{ name: filename, modelCooldowns }] : [];
  });
  return { namesMark, ...(names && { names }), disabled, cooldowns };
}
