import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { PostgresBackend } from '../../src/storage/backends/postgres.backend';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { CacheTier, type CacheTierOptions } from '../../src/storage/tier/cache-tier';
import { TieredStorage } from '../../src/storage/tier/tiered-storage';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import type { StoreOptions } from './storage-target';
import { createPostgresDatabase, dropPostgresDatabase } from '../support/servers';

const ADMIN_DSN = process.env.TEST_POSTGRES_DSN;

/** A tier over real PostgreSQL and real Redis, as the gateway builds it, and its parts. */
export interface OpenTier {
  storage: StorageBackend;
  tier: TieredStorage;
  cache: CacheTier;
}

/**
 * Fresh PostgreSQL databases and Redis key prefixes for tier tests, dropped by `cleanup`.
 * `primary` lets a test wrap the primary (to hold a read back, say); it stays a real backend.
 */
export class TierStores {
  private readonly databases: string[] = [];
  private readonly prefixes: string[] = [];

  constructor(readonly redisUrl: string) {}

  /** A fresh database and key prefix; open handles on them with `open`. */
  async fresh(): Promise<{ dsn: string; prefix: string }> {
    const name = `gcli_t_${randomBytes(6).toString('hex')}`;
    this.databases.push(name);
    const prefix = `t:${randomBytes(6).toString('hex')}:cache:`;
    this.prefixes.push(prefix);
    return { dsn: await createPostgresDatabase(ADMIN_DSN!, name), prefix };
  }

  async open(
    place: { dsn: string; prefix: string },
    options: Partial<CacheTierOptions> &
      Partial<StoreOptions> & {
        primary?: (backend: StorageBackend) => StorageBackend;
      } = {},
  ): Promise<OpenTier> {
    const { primary = (b) => b, clock, rules, ...cacheOptions } = options;
    const cache = new CacheTier({ url: this.redisUrl, keyPrefix: place.prefix, ...cacheOptions });
    const backend = new PostgresBackend({ dsn: place.dsn, clock, rules });
    const tier = new TieredStorage(primary(backend), cache, clock);
    const storage = new ValidatedStorage(tier, [], { clock, rules });
    await storage.connect();
    return { storage, tier, cache };
  }

  async cleanup(): Promise<void> {
    for (const name of this.databases.splice(0)) await dropPostgresDatabase(ADMIN_DSN!, name);
    const prefixes = this.prefixes.splice(0);
    const client = new Redis(this.redisUrl, { lazyConnect: true });
    try {
      await client.connect();
      for (const prefix of prefixes) {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await client.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      }
    } catch {
      // A server a test stopped holds nothing worth cleaning.
    } finally {
      client.disconnect();
    }
  }
}
