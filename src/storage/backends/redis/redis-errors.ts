import type { StorageErrorClass } from '../../storage.errors';
import { isNetworkError } from '../network-errors';

/**
 * Reply errors whose prefix says the server cannot serve now (loading its data set, no master,
 * cluster down or resharding) rather than that the command was wrong.
 */
const UNAVAILABLE_REPLIES = /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY )/;

/**
 * Reads an ioredis error. The backend already turns every failure of the connection itself into
 * a StorageUnavailableError (see `run`); what reaches here is a server's reply error, a socket
 * error from `connect`, or a command timeout.
 */
export function classifyRedisError(err: unknown): StorageErrorClass {
  if (isNetworkError(err)) return 'unavailable';
  const { name, message } = (err ?? {}) as { name?: string; message?: string };
  if (name === 'ReplyError')
    return UNAVAILABLE_REPLIES.test(message ?? '') ? 'unavailable' : 'failed';
  if (name === 'MaxRetriesPerRequestError') return 'unavailable';
  if (/^Command timed out|Connection is closed|Stream isn't writeable/.test(message ?? '')) {
    return 'unavailable';
  }
  return 'failed';
}
