import Redis from 'ioredis';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { CONFIG_FILLED_FIELD } from '../../src/storage/tier/cache-keys';
import type { OpenTier, TierStores } from './tier-target';
import { counted, gate, until } from './tier-test-helpers';

/**
 * A write holds fills of what it changes back while the primary writes, and lifts the hold after
 * its acknowledgement (TieredStorage's `write`): these cases fail if the hold or the second
 * deletion at its end goes.
 */
export function tierPendingGroup(stores: TierStores, open: TierStores['open']) {
  describe('while a write is pending at the primary', () => {
    let raw: Redis;
    beforeAll(() => {
      raw = new Redis(stores.redisUrl);
    });
    afterAll(() => raw.disconnect());
    const pendingExists = async (handle: OpenTier) =>
      (await raw.exists(handle.cache.keys.pending(handle.cache.keys.config))) === 1;
    const configCached = async (handle: OpenTier) =>
      (await raw.hexists(handle.cache.keys.config, CONFIG_FILLED_FIELD)) === 1;

    it('stores no copy read before the commit, which would be served after the acknowledgement', async () => {
      const place = await stores.fresh();
      const commit = gate('setConfig', true);
      const writer = await open(place, { primary: commit.wrap });
      const reader = await open(place);
      await writer.storage.setConfig('k', 1);
      await until('the first write to end', async () => !(await pendingExists(writer)));
      expect(await reader.storage.getConfig('k')).toBe(1);
      expect(await configCached(reader)).toBe(true);

      commit.hold();
      const write = writer.storage.setConfig('k', 2);
      await commit.reached;
      await until('the write to be marked pending', () => pendingExists(writer));
      // Not committed yet: the reader gets 1 from the primary, and must not keep it, since the
      // write's end reaches the cache only after the write is acknowledged.
      expect(await reader.storage.getConfig('k')).toBe(1);
      expect(await reader.storage.getAllConfig()).toEqual({ k: 1 });
      expect(await configCached(reader)).toBe(false);
      commit.release();
      await write;
      expect(await reader.storage.getConfig('k')).toBe(2);
      await until('the write to end', async () => !(await pendingExists(writer)));
      expect(await reader.storage.getConfig('k')).toBe(2);
      expect(await configCached(reader)).toBe(true);
    });

    it('voids a fill that read the primary after the hold expired, before the commit', async () => {
      const place = await stores.fresh();
      const commit = gate('setConfig', true);
      const slowRead = gate('getAllConfig');
      const writer = await open(place, { primary: commit.wrap, pendingTtlMs: 200 });
      const reader = await open(place, { primary: slowRead.wrap });
      await writer.storage.setConfig('k', 1);

      commit.hold();
      const write = writer.storage.setConfig('k', 2);
      await commit.reached;
      await until('the write to be marked pending', () => pendingExists(writer));
      await until('the hold to expire', async () => !(await pendingExists(writer)));
      // The reader claims a token, reads k=1 and is held; then the write commits and ends.
      slowRead.hold();
      const slow = reader.storage.getConfig('k');
      await slowRead.reached;
      commit.release();
      await write;
      slowRead.release();
      expect(await slow).toBe(1);
      expect(await reader.storage.getConfig('k')).toBe(2);
      expect(await writer.storage.getConfig('k')).toBe(2);
    });

    it('lifts the hold when the primary write fails, so reads are cached again', async () => {
      const place = await stores.fresh();
      const failing = (backend: StorageBackend): StorageBackend =>
        new Proxy(backend, {
          get(target, property, receiver) {
            if (property !== 'setConfig') return Reflect.get(target, property, receiver);
            return () => Promise.reject(new Error('primary write failed'));
          },
        });
      const calls = new Map<string, number>();
      const writer = await open(place, { primary: failing, pendingTtlMs: 600_000 });
      const reader = await open(place, { primary: (b) => counted(b, calls) });
      await expect(writer.storage.setConfig('k', 1)).rejects.toThrow('primary write failed');
      await until('the failed write to end', async () => !(await pendingExists(writer)));
      calls.clear();
      for (let i = 0; i < 3; i++) expect(await reader.storage.getConfig('k')).toBeUndefined();
      expect(Object.fromEntries(calls)).toEqual({ getAllConfig: 1 });
    });
  });
}
