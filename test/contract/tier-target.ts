import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { mongo } from 'mongoose';
import { MongoBackend } from '../../src/storage/backends/mongodb.backend';
import { PostgresBackend } from '../../src/storage/backends/postgres.backend';
import { SqliteBackend } from '../../src/storage/backends/sqlite.backend';
import type { BackendKind, StorageBackend } from '../../src/storage/storage-backend.interface';
import { CacheTier, type CacheTierOptions } from '../../src/storage/tier/cache-tier';
import { TieredStorage } from '../../src/storage/tier/tiered-storage';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import type { StoreOptions } from './storage-target';
import { createPostgresDatabase, dropPostgresDatabase } from '../support/servers';
import { tempDir } from '../support/temp-dir';

/** A tier over a real primary and real Redis, as the gateway builds it, and its parts. */
export interface OpenTier {
  storage: StorageBackend;
  tier: TieredStorage;
  cache: CacheTier;
}

/** Where one test's tier keeps its data: the primary's database (or file) and a key prefix. */
export interface TierPlace {
  primary: string;
  prefix: string;
}

/** One kind of primary under the tier: fresh empty places, a backend on one, and cleaning up. */
export interface TierPrimary {
  kind: BackendKind;
  /** A fresh, empty database (a DSN, a file path, a database name). */
  fresh(): Promise<string>;
  open(place: string, options: Partial<StoreOptions>): StorageBackend;
  /** Drops what `fresh` made. */
  cleanup(): Promise<void>;
}

const freshName = () => `gcli_t_${randomBytes(6).toString('hex')}`;

/** Fresh databases cloned on the PostgreSQL server `adminDsn` names. */
export function postgresPrimary(adminDsn: string): TierPrimary {
  const names: string[] = [];
  return {
    kind: 'postgresql',
    async fresh() {
      const name = freshName();
      names.push(name);
      return createPostgresDatabase(adminDsn, name);
    },
    open: (dsn, { clock, rules }) => new PostgresBackend({ dsn, clock, rules }),
    async cleanup() {
      for (const name of names.splice(0)) await dropPostgresDatabase(adminDsn, name);
    },
  };
}

/** A fresh SQLite file in a directory of its own per place. */
export function sqlitePrimary(): TierPrimary {
  const dirs: Array<ReturnType<typeof tempDir>> = [];
  return {
    kind: 'sqlite',
    fresh() {
      const dir = tempDir();
      dirs.push(dir);
      return Promise.resolve(join(dir.path, 'credentials.db'));
    },
    open: (file, { clock, rules }) => new SqliteBackend({ file, clock, rules }),
    async cleanup() {
      for (const dir of dirs.splice(0)) dir.remove();
    },
  };
}

/** A fresh database name on the MongoDB (FerretDB) server at `uri`. */
export function mongoPrimary(uri: string): TierPrimary {
  const names: string[] = [];
  return {
    kind: 'mongodb',
    fresh() {
      const name = freshName();
      names.push(name);
      return Promise.resolve(name);
    },
    open: (database, { clock, rules }) => new MongoBackend({ uri, database, clock, rules }),
    async cleanup() {
      const dropped = names.splice(0);
      if (dropped.length === 0) return;
      const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
      try {
        await client.connect();
        for (const name of dropped) await client.db(name).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

/**
 * Fresh primary databases and Redis key prefixes for tier tests, dropped by `cleanup`.
 * `primary` in `open` lets a test wrap the primary (to hold a read back, say); it stays a real
 * backend.
 */
export class TierStores {
  private readonly prefixes: string[] = [];

  constructor(
    readonly redisUrl: string,
    readonly primaries: TierPrimary,
  ) {}

  /** A fresh database and key prefix; open handles on them with `open`. */
  async fresh(): Promise<TierPlace> {
    const prefix = `t:${randomBytes(6).toString('hex')}:cache:`;
    this.prefixes.push(prefix);
    return { primary: await this.primaries.fresh(), prefix };
  }

  async open(
    place: TierPlace,
    options: Partial<CacheTierOptions> &
      Partial<StoreOptions> & {
        primary?: (backend: StorageBackend) => StorageBackend;
      } = {},
  ): Promise<OpenTier> {
    const { primary = (b) => b, clock, rules, ...cacheOptions } = options;
    const cache = new CacheTier({ url: this.redisUrl, keyPrefix: place.prefix, ...cacheOptions });
    const backend = this.primaries.open(place.primary, { clock, rules });
    const tier = new TieredStorage(primary(backend), cache, clock);
    const storage = new ValidatedStorage(tier, [], { clock, rules });
    await storage.connect();
    return { storage, tier, cache };
  }

  async cleanup(): Promise<void> {
    await this.primaries.cleanup();
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
