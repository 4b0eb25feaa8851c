/**
 * The storage contract through the tier (STORAGE_CACHE=valkey) over each primary it supports,
 * with real Redis from the global setup as its cache: every contract case runs through the
 * tier, and the cache's own rules (staleness, pending writes, outages) follow in
 * tier-rules.group.ts.
 */
import { CacheTier } from '../../src/storage/tier/cache-tier';
import { TieredStorage } from '../../src/storage/tier/tiered-storage';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { describeStorageContract } from './storage-contract';
import type { StoreOptions } from './storage-target';
import { tierRulesGroup } from './tier-rules.group';
import { type TierPrimary, TierStores } from './tier-target';

const REDIS_URL = process.env.TEST_REDIS_URL;

/** The primary under test. */
export interface TierContractOptions {
  /** Its fresh databases; only used when `unavailable()` is `null`. */
  primaries: TierPrimary;
  /** `null` when the primary's server is usable, else why the suite is skipped. */
  unavailable(): string | null;
  /** A primary that cannot be reached (not yet connected). */
  unreachable(): StorageBackend;
}

export function describeTierContract(options: TierContractOptions) {
  const stores = new TierStores(REDIS_URL ?? 'redis://127.0.0.1:1', options.primaries);
  describeStorageContract(
    {
      name: `tiered (${options.primaries.kind} + valkey cache)`,
      kind: options.primaries.kind,
      unavailable: () =>
        options.unavailable() ??
        process.env.TEST_REDIS_UNAVAILABLE ??
        (REDIS_URL ? null : 'TEST_REDIS_URL must be set'),
      // Entries are copied into the cache with a server-side TTL, so their expiry runs on its clock.
      serverTimedEntries: true,
      async create(storeOptions) {
        const place = await stores.fresh();
        const open = async (o: StoreOptions) => (await stores.open(place, o)).storage;
        return { storage: await open(storeOptions), another: open };
      },
      createUnreachable() {
        const cache = new CacheTier({ url: REDIS_URL!, keyPrefix: 't:unreachable:cache:' });
        return new ValidatedStorage(new TieredStorage(options.unreachable(), cache));
      },
      cleanup: () => stores.cleanup(),
    },
    (ctx) => tierRulesGroup(ctx, stores),
  );
}
