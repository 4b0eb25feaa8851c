import mongoose from 'mongoose';
import type { StorageErrorClass } from '../../storage.errors';
import { isNetworkError } from '../network-errors';

const { mongo } = mongoose;

/** Driver errors that mean no server can be reached (or the client was closed), by name. */
const AWAY_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoClientClosedError',
  'MongoServerClosedError',
  'PoolClosedError',
  'MongoPoolClearedError',
]);

/** Server error codes of a server that is stepping down, shutting down or not the primary. */
const UNAVAILABLE_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/** Server error codes of a lost race: a duplicate key, a write conflict. */
const CONFLICT_CODES = new Set([11000, 11001, 112]);

/**
 * FerretDB answers with a server error, not a network one, when its own PostgreSQL is away; only
 * its text says so.
 */
const BACKEND_AWAY = /connect|terminat|closed|socket|timed? ?out/i;

/**
 * A socket error's text inside a driver error of another class. A killed server under write
 * load once surfaced as a 500 "read ECONNRESET" that no class or code above caught (the class
 * was not logged); a dropped connection is never the caller's fault.
 */
const SOCKET_TEXT = /\b(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)\b/;

/** Reads a MongoDB driver error (FerretDB speaks the same protocol). */
export function classifyMongoError(err: unknown): StorageErrorClass {
  if (isNetworkError(err) || isNetworkError((err as { cause?: unknown } | null)?.cause)) {
    return 'unavailable';
  }
  // MongoNetworkError covers its timeout subclass.
  if (err instanceof mongo.MongoNetworkError) return 'unavailable';
  if (err instanceof mongo.MongoError && AWAY_ERRORS.has(err.name)) return 'unavailable';
  if (err instanceof mongo.MongoError && SOCKET_TEXT.test(err.message)) return 'unavailable';
  if (err instanceof mongo.MongoServerError) {
    const code = typeof err.code === 'number' ? err.code : undefined;
    if (code !== undefined && CONFLICT_CODES.has(code)) return 'conflict';
    if (code !== undefined && UNAVAILABLE_CODES.has(code)) return 'unavailable';
    if (BACKEND_AWAY.test(err.message)) return 'unavailable';
  }
  return 'failed';
}
