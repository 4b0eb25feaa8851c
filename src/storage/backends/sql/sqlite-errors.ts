import type { StorageErrorClass } from '../../storage.errors';
import { codeOf } from '../network-errors';

/**
 * Reads a better-sqlite3 error. Another process holding the write lock past the busy timeout,
 * or a unique key taken meanwhile, is a conflict; a statement on a closed database handle (the
 * driver throws a TypeError saying so) is "unavailable", as a closed backend is everywhere else.
 */
export function classifySqliteError(err: unknown): StorageErrorClass {
  const code = codeOf(err) ?? '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'conflict';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return 'conflict';
  }
  // By name, not instanceof: the error is made by the native addon, whose realm may differ.
  const { name, message } = (err ?? {}) as { name?: string; message?: string };
  if (name === 'TypeError' && /database connection is not open/i.test(message ?? '')) {
    return 'unavailable';
  }
  return 'failed';
}
