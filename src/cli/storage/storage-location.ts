import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { redactUrl } from '../../common/redact-url';
import type { BackendKind } from '../../storage/storage-backend.interface';
import { usageError } from '../cli.errors';

/** Where a `--from`, `--to` or `--url` points, as the command line understands it. */
export interface StorageLocation {
  kind: BackendKind;
  /** The URL or DSN as given, or the absolute SQLite file path. Never printed: see `shown`. */
  raw: string;
  /** Safe to print: the URL with its password masked, or the file path. */
  shown: string;
  /** The environment variable the server would read this location from. */
  envKey: 'VALKEY_URL' | 'POSTGRES_DSN' | 'MONGODB_URI' | 'CREDENTIALS_DIR';
}

const SCHEMES: Record<string, { kind: BackendKind; envKey: StorageLocation['envKey'] }> = {
  'redis:': { kind: 'valkey', envKey: 'VALKEY_URL' },
  'rediss:': { kind: 'valkey', envKey: 'VALKEY_URL' },
  'valkey:': { kind: 'valkey', envKey: 'VALKEY_URL' },
  'valkeys:': { kind: 'valkey', envKey: 'VALKEY_URL' },
  'redis+cluster:': { kind: 'valkey', envKey: 'VALKEY_URL' },
  'rediss+cluster:': { kind: 'valkey', envKey: 'VALKEY_URL' },
  'valkey+cluster:': { kind: 'valkey', envKey: 'VALKEY_URL' },
  'valkeys+cluster:': { kind: 'valkey', envKey: 'VALKEY_URL' },
  'postgres:': { kind: 'postgresql', envKey: 'POSTGRES_DSN' },
  'postgresql:': { kind: 'postgresql', envKey: 'POSTGRES_DSN' },
  'mongodb:': { kind: 'mongodb', envKey: 'MONGODB_URI' },
  'mongodb+srv:': { kind: 'mongodb', envKey: 'MONGODB_URI' },
};

/** The file SQLite uses inside a credentials directory, as the server does. */
export const SQLITE_FILE = 'credentials.db';

/**
 * Reads a location: a `redis://`, `rediss://`, `redis+cluster://`, `postgres://`, `postgresql://`, `mongodb://` or
 * `mongodb+srv://` URL, else an SQLite database file or a credentials directory (its
 * `credentials.db`). `mustExist` refuses an SQLite path with no database, so a typo in `--from`
 * does not read an empty new file.
 */
export function parseLocation(value: string, what: string, mustExist: boolean): StorageLocation {
  const text = value.trim();
  if (!text) throw usageError(`${what}: a URL or an SQLite file path is required`);
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme) {
    const known = SCHEMES[scheme];
    if (!known) {
      throw usageError(
        `${what}: ${redactUrl(text)} is not a storage URL (use redis://, rediss://, redis+cluster://, postgres://, mongodb:// or an SQLite file path)`,
      );
    }
    if (!URL.canParse(text)) throw usageError(`${what}: ${redactUrl(text)} is not a valid URL`);
    // ioredis only knows redis:// and rediss://; valkey:// is an alias users type.
    const raw = known.kind === 'valkey' ? text.replace(/^valkey/i, 'redis') : text;
    return { ...known, raw, shown: redactUrl(raw) };
  }
  const path = resolve(text);
  const isDir = existsSync(path) && statSync(path).isDirectory();
  const file = isDir ? join(path, SQLITE_FILE) : path;
  if (mustExist && !existsSync(file)) {
    throw usageError(`${what}: no SQLite database at ${file}`);
  }
  if (!isDir && !existsSync(dirname(file))) {
    throw usageError(`${what}: the directory ${dirname(file)} does not exist`);
  }
  return { kind: 'sqlite', raw: file, shown: file, envKey: 'CREDENTIALS_DIR' };
}

/** True when the SQLite file is the one the server itself would use in that directory. */
export const isDefaultSqliteFile = (file: string) => basename(file) === SQLITE_FILE;
