import { PostgresBackend } from '../../src/storage/backends/postgres.backend';
import { CacheTier } from '../../src/storage/tier/cache-tier';
import { TieredStorage } from '../../src/storage/tier/tiered-storage';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { freePort } from '../support/servers';
import { describeStorageContract } from './storage-contract';
import { tierRulesGroup } from './tier-rules.group';
import { TierStores } from './tier-target';
import type { StoreOptions } from './storage-target';

const REDIS_URL = process.env.TEST_REDIS_URL;
const ADMIN_DSN = process.env.TEST_POSTGRES_DSN;
const stores = new TierStores(REDIS_URL ?? 'redis://127.0.0.1:1');
let refusedPort = 0;

beforeAll(async () => {
  refusedPort = await freePort();
});

/**
 * The fifth target: PostgreSQL as the primary with Redis as its cache tier (STORAGE_CACHE=valkey),
 * both real servers from the global setup. Every contract case runs through the tier, and the
 * cache's own rules (staleness, outages) follow in tier-rules.group.ts.
 */
describeStorageContract(
  {
    name: 'tiered (postgresql + valkey cache)',
    kind: 'postgresql',
    unavailable: () =>
      process.env.TEST_POSTGRES_UNAVAILABLE ??
      process.env.TEST_REDIS_UNAVAILABLE ??
      (ADMIN_DSN && REDIS_URL ? null : 'TEST_POSTGRES_DSN and TEST_REDIS_URL must both be set'),
    // Entries are copied into the cache with a server-side TTL, so their expiry runs on its clock.
    serverTimedEntries: true,
    async create(options) {
      const place = await stores.fresh();
      const open = async (o: StoreOptions) => (await stores.open(place, o)).storage;
      return { storage: await open(options), another: open };
    },
    createUnreachable() {
      const dsn = `postgres://gcli:hunter2@127.0.0.1:${refusedPort}/x`;
      const cache = new CacheTier({ url: REDIS_URL!, keyPrefix: 't:unreachable:cache:' });
      const primary = new PostgresBackend({ dsn, connectTimeoutMs: 2_000 });
      return new ValidatedStorage(new TieredStorage(primary, cache));
    },
    cleanup: () => stores.cleanup(),
  },
  (ctx) => tierRulesGroup(ctx, stores),
);
