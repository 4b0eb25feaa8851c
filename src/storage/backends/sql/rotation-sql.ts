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
    // Ids are handed out in commit order where writes are serialized (SQLite), and a new row's
    // rotation_order is above every row's: rows past a known id are the names appended since.
    appended: `SELECT filename FROM ${table} WHERE id > ? ORDER BY rotation_order, id`,
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
  options: { now: number; namesMark?: string | null; serialized: boolean },
): Promise<RotationState> {
  const readMark = async () => {
    const row = await db.get<{ v: unknown; n: unknown; m: unknown }>(t.namesMark);
    return `${Number(row?.v ?? 0)}:${Number(row?.n ?? 0)}:${Number(row?.m ?? 0)}`;
  };
  const namesMark = await readMark();
  const [, count, maxId] = namesMark.split(':').map(Number);
  const appended = async (): Promise<Pick<RotationState, 'names' | 'appended'>> => {
    const [, knownCount, knownId] = (options.namesMark ?? '').split(':').map(Number);
    if (options.serialized && knownId <= maxId && knownCount <= count) {
      const tail = await db.column<string>(t.appended, [knownId]);
      // Only rows were added since the known mark when the count grew by the tail exactly, as
      // long as the rows did not change between the two reads: ids are never reused, so an
      // unchanged count and highest id (ignoring the counter, raised after commit) say so.
      const unchanged = (await readMark()).replace(/^\d+:/, '') === namesMark.replace(/^\d+:/, '');
      if (unchanged && knownCount + tail.length === count) return { appended: tail };
    }
    return { names: await listNames() };
  };
  const [names, disabled, cooling] = await Promise.all([
    namesMark === options.namesMark ? undefined : appended(),
    db.column<string>(t.disabled),
    db.all<{ filename: string; model_cooldowns: unknown }>(t.cooling, [options.now]),
  ]);
  const cooldowns = cooling.flatMap(({ filename, model_cooldowns }) => {
    const modelCooldowns = liveCooldowns(dialect.decodeJson(model_cooldowns), options.now);
    return Object.keys(modelCooldowns).length > 0 ? [{ name: filename, modelCooldowns }] : [];
  });
  return { namesMark, ...names, disabled, cooldowns };
}
