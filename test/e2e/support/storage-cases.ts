import { setTimeout as sleep } from 'node:timers/promises';
import { MongoBackend } from '../../../src/storage/backends/mongodb.backend';
import { PostgresBackend } from '../../../src/storage/backends/postgres.backend';
import { RedisBackend } from '../../../src/storage/backends/redis.backend';
import type { StorageBackend } from '../../../src/storage/storage-backend.interface';
import { type ServerHandle, startFerret, startPostgres, startRedis } from '../../support/servers';

/** A storage server a test owns, to stop, kill and start again with its data kept. */
export interface StorageCase {
  kind: 'valkey' | 'postgresql' | 'mongodb';
  /** Starts a server of its own that keeps acknowledged writes across a stop or a kill. */
  start: () => Promise<ServerHandle>;
  /** The gateway's environment for it. */
  env: (server: ServerHandle) => Record<string, string>;
  /** A backend on the same data, for the test to write or check behind the gateway's back. */
  open: (server: ServerHandle) => StorageBackend;
}

const DATABASE = 'gcli_outage';

/** The three server backends, each with a server that survives its own restart. */
export const STORAGE_CASES: readonly StorageCase[] = [
  {
    kind: 'valkey',
    start: () => startRedis({ persistent: true }),
    env: (server) => ({ REDIS_URL: server.url }),
    open: (server) => new RedisBackend({ url: server.url }),
  },
  {
    kind: 'postgresql',
    start: () => startPostgres({ durable: true }),
    env: (server) => ({ POSTGRES_DSN: server.url }),
    open: (server) => new PostgresBackend({ dsn: server.url }),
  },
  {
    kind: 'mongodb',
    start: () => startFerret(),
    env: (server) => ({ MONGODB_URI: server.url, MONGODB_DATABASE: DATABASE }),
    open: (server) => new MongoBackend({ uri: server.url, database: DATABASE }),
  },
];

/** Polls `check` until it holds and returns the time it did; throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return Date.now();
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts a killed server again; PostgreSQL may refuse while its orphaned backends still exit. */
export async function restartKilled(server: ServerHandle): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await server.start();
    } catch (err) {
      if (attempt === 5) throw err;
      await sleep(1_000);
    }
  }
}
