import Redis from 'ioredis';
import { secretsOf } from '../../common/redact-url';
import { redactError } from '../select-backend';
import { escapeGlob } from './cache-keys';
import { defineCacheScripts } from './cache-scripts';

/** Upper bound of the wait between reconnection attempts, in milliseconds. */
const MAX_BACKOFF_MS = 2_000;
const SCAN_COUNT = 1_000;
/** Keys deleted per command. */
const CHUNK = 1_000;

/**
 * The cache's ioredis client, not yet connected: commands fail at once while the server is away
 * (no offline queue, no retries), so the primary answers instead of a caller waiting; it keeps
 * reconnecting with capped backoff, however the first attempt went.
 */
export function cacheClient(options: {
  url: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}): Redis {
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(100 * 2 ** times, MAX_BACKOFF_MS),
    ...(options.url.startsWith('rediss:') ? { tls: {} } : {}),
  });
  defineCacheScripts(client);
  return client;
}

/** The error's text with any password (of `url` or in URL form) masked. */
export function describeError(err: unknown, url: string): string {
  return redactError(err, secretsOf(url)) || 'the cache failed';
}

/** Deletes every key under `prefix`, a SCAN page at a time. */
export async function unlinkUnder(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(
      cursor,
      'MATCH',
      `${escapeGlob(prefix)}*`,
      'COUNT',
      SCAN_COUNT,
    );
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Deletes `keys`, CHUNK at a time. */
export async function unlinkAll(client: Redis, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += CHUNK) await client.unlink(...keys.slice(i, i + CHUNK));
}
