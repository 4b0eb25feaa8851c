import type { StorageErrorClass } from '../../storage.errors';
import { codeOf, isNetworkError } from '../network-errors';

/**
 * SQLSTATEs that mean the server is away: class 08 (connection exception), 57014 (a statement
 * cancelled by statement_timeout), 57P01-57P03 (shutting down or starting), 53300 (no free slot).
 */
const UNAVAILABLE_SQLSTATE = /^(08|57014|57P0[1-3]|53300)/;

/** SQLSTATEs of a lost race: unique violation, serialisation failure, deadlock, lock not available. */
const CONFLICT_SQLSTATES = new Set(['23505', '40001', '40P01', '55P03']);

/**
 * What node-postgres and pg-pool throw, in their own words, when a connection dies or the pool
 * is gone: these errors carry no code.
 */
const CONNECTION_LOST =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|after calling end on the pool|Client was closed|connection timeout/i;

/** Reads a node-postgres error (or TypeORM's QueryFailedError around one). */
export function classifyPgError(err: unknown): StorageErrorClass {
  const driverError = (err as { driverError?: unknown } | null)?.driverError ?? err;
  if (isNetworkError(driverError)) return 'unavailable';
  const code = codeOf(driverError);
  if (code && UNAVAILABLE_SQLSTATE.test(code)) return 'unavailable';
  if (code && CONFLICT_SQLSTATES.has(code)) return 'conflict';
  if (!code && CONNECTION_LOST.test((driverError as Error)?.message ?? '')) return 'unavailable';
  return 'failed';
}
