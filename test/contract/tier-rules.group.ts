import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { CONFIG_FILLED_FIELD } from '../../src/storage/tier/cache-keys';
import { freePort, startRedis, type ServerHandle } from '../support/servers';
import type { ContractContext } from './storage-target';
import type { OpenTier, TierStores } from './tier-target';

/** Resolves once `check` holds, polling; fails after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const cacheState = async (open: OpenTier) => (await open.cache.report()).state;

/** The primary, with its calls counted per method; still the real backend underneath. */
function counted(backend: StorageBackend, calls: Map<string, number>): StorageBackend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * A primary whose `method` waits, once `hold()` was called, until `release()`: `reached` resolves
 * when a call is held. `before` holds the call before the primary sees it (a write not yet
 * committed), else after it answered (a read that is done but not yet returned).
 */
function gate(method: keyof StorageBackend, before = false) {
  let held: Promise<void> | undefined;
  let open!: () => void;
  let arrived!: () => void;
  const control = {
    reached: Promise.resolve(),
    hold() {
      held = new Promise((resolve) => (open = resolve));
      control.reached = new Promise((resolve) => (arrived = resolve));
    },
    release() {
      held = undefined;
      open();
    },
    wrap: (backend: StorageBackend): StorageBackend =>
      new Proxy(backend, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (property !== method || typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            const call = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            const wait = held;
            if (!wait) return call();
            if (before) {
              arrived();
              await wait;
              return call();
            }
            const result = await call();
            arrived();
            await wait;
            return result;
          };
        },
      }),
  };
  return control;
}

/** The cache's own rules, on real PostgreSQL and real Redis. */
export function tierRulesGroup(ctx: ContractContext, stores: TierStores) {
  describe('cache tier rules', () => {
    const opened: OpenTier[] = [];
    const open = async (...args: Parameters<TierStores['open']>) => {
      const handle = await stores.open(...args);
      opened.push(handle);
      return handle;
    };
    afterEach(async () => {
      for (const handle of opened.splice(0)) await handle.storage.close().catch(() => {});
    });

    it('serves repeated hot reads from the cache without asking the primary', async () => {
      const place = await stores.fresh();
      const calls = new Map<string, number>();
      const writer = await open(place);
      const reader = await open(place, { primary: (b) => counted(b, calls) });
      await writer.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
      await writer.storage.setConfig('k', 1);
      for (let i = 0; i < 5; i++) {
        expect(await reader.storage.getConfig('k')).toBe(1);
        expect(await reader.storage.getConfig('unset')).toBeUndefined();
        expect(await reader.storage.getCredential('geminicli', 'a.json')).toEqual({
          refresh_token: 'r',
        });
        expect((await reader.storage.getState('geminicli', 'a.json'))?.disabled).toBe(false);
        expect((await reader.storage.summarize('geminicli')).total).toBe(1);
        // The change feed other instances poll every second is read from the cache too.
        expect(await reader.storage.changeVersion()).toBeGreaterThan(0);
      }
      expect(Object.fromEntries(calls)).toEqual({
        connect: 1,
        getAllConfig: 1,
        getCredential: 1,
        getState: 1,
        summarize: 1,
      });
    });

    it("shows another instance's write at once, never the copy it replaced", async () => {
      const a = ctx.storage;
      const b = await ctx.second();
      await a.upsertCredential('geminicli', 'a.json', { refresh_token: 'old' });
      await a.setConfig('k', 1);
      const readAll = async () => ({
        k: await b.getConfig('k'),
        all: await b.getAllConfig(),
        data: await b.getCredential('geminicli', 'a.json'),
        disabled: (await b.getState('geminicli', 'a.json'))?.disabled,
        cooling: (await b.getState('geminicli', 'a.json'))?.modelCooldowns,
        names: await b.listCredentialNames('geminicli'),
        page: (await b.summarize('geminicli', { status: 'disabled' })).items.map((i) => i.name),
      });
      expect(await readAll()).toEqual({
        k: 1,
        all: { k: 1 },
        data: { refresh_token: 'old' },
        disabled: false,
        cooling: {},
        names: ['a.json'],
        page: [],
      });
      await a.setConfig('k', 2);
      await a.updateCredentialData('geminicli', 'a.json', { refresh_token: 'new' });
      await a.updateState('geminicli', 'a.json', { disabled: true });
      await a.setModelCooldown('geminicli', 'a.json', 'pro', 4e9);
      await a.upsertCredential('geminicli', 'b.json', { refresh_token: 'b' });
      expect(await readAll()).toEqual({
        k: 2,
        all: { k: 2 },
        data: { refresh_token: 'new' },
        disabled: true,
        cooling: { pro: 4e9 },
        names: ['a.json', 'b.json'],
        page: ['a.json'],
      });
    });

    it('judges cached cooldowns at the time of each read', async () => {
      await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
      await ctx.storage.setModelCooldown('geminicli', 'a.json', 'pro', 1_000);
      expect((await ctx.storage.getState('geminicli', 'a.json', 999))?.modelCooldowns).toEqual({
        pro: 1_000,
      });
      expect((await ctx.storage.getState('geminicli', 'a.json', 1_001))?.modelCooldowns).toEqual(
        {},
      );
      const page = await ctx.storage.summarize('geminicli', { now: 999 });
      expect(page.items[0].modelCooldowns).toEqual({ pro: 1_000 });
      const later = await ctx.storage.summarize('geminicli', { now: 1_001 });
      expect(later.items[0].modelCooldowns).toEqual({});
    });

    it('never lets a slow fill put back a value a write replaced', async () => {
      const place = await stores.fresh();
      const slowRead = gate('getAllConfig');
      const writer = await open(place);
      const reader = await open(place, { primary: slowRead.wrap });
      await writer.storage.setConfig('k', 1);
      slowRead.hold();
      // The reader misses, reads k=1 from the primary, and is held before it fills the copy.
      const slow = reader.storage.getConfig('k');
      await slowRead.reached;
      await writer.storage.setConfig('k', 2);
      slowRead.release();
      expect(await slow).toBe(1);
      expect(await reader.storage.getConfig('k')).toBe(2);
      expect(await writer.storage.getConfig('k')).toBe(2);
    });

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

    describe('when the cache fails', () => {
      let server: ServerHandle;
      beforeAll(async () => {
        // Its own server, persistent so a copy made before a crash is still there after it.
        server = await startRedis({ persistent: true });
      }, 30_000);
      afterAll(async () => {
        await server?.dispose();
      });

      const openOnServer = (place: { dsn: string; prefix: string }, timeoutMs = 300) =>
        open(place, { url: server.url, commandTimeoutMs: timeoutMs, probeMs: 100 });

      it('serves from the primary while it is down, and flushes it before serving again', async () => {
        const place = await stores.fresh();
        const a = await openOnServer(place);
        const b = await openOnServer(place);
        await a.storage.setConfig('k', 1);
        expect(await b.storage.getConfig('k')).toBe(1);
        await a.storage.setEntry('session:x', 'before', 60_000);

        await server.kill();
        // Acknowledged by the primary; the copy that says 1 could not be deleted.
        await a.storage.setConfig('k', 2);
        await a.storage.setEntry('session:y', 'during', 60_000);
        expect(await a.storage.getConfig('k')).toBe(2);
        expect(await b.storage.getConfig('k')).toBe(2);
        expect(await b.storage.getEntry('session:x')).toBe('before');
        expect(await b.storage.getEntry('session:y')).toBe('during');
        expect(await a.cache.report()).toMatchObject({ state: 'down', reason: expect.any(String) });

        await server.start();
        await until('both caches to serve again', async () => {
          return (await cacheState(a)) === 'up' && (await cacheState(b)) === 'up';
        });
        expect(await a.storage.getConfig('k')).toBe(2);
        expect(await b.storage.getConfig('k')).toBe(2);
        expect(await b.storage.getAllConfig()).toEqual({ k: 2 });
        expect(await b.storage.getEntry('session:y')).toBe('during');
      }, 60_000);

      it('starts without the cache when it is not there yet, and uses it once it answers', async () => {
        const port = await freePort();
        const place = await stores.fresh();
        const calls = new Map<string, number>();
        const a = await open(place, {
          url: `redis://127.0.0.1:${port}`,
          connectTimeoutMs: 500,
          probeMs: 100,
          primary: (b) => counted(b, calls),
        });
        expect(await a.cache.report()).toMatchObject({ state: 'down', reason: expect.any(String) });
        await a.storage.setConfig('k', 1);
        expect(await a.storage.getConfig('k')).toBe(1);
        const late = await startRedis({ port });
        try {
          await until('the late cache to serve', async () => (await cacheState(a)) === 'up');
          calls.clear();
          for (let i = 0; i < 3; i++) expect(await a.storage.getConfig('k')).toBe(1);
          expect(Object.fromEntries(calls)).toEqual({ getAllConfig: 1 });
        } finally {
          await a.storage.close();
          await late.dispose();
        }
      }, 30_000);

      it('counts a cache that answers too slowly as down, and serves from the primary', async () => {
        const place = await stores.fresh();
        const a = await openOnServer(place, 100);
        await a.storage.setConfig('k', 1);
        expect(await a.storage.getConfig('k')).toBe(1);
        const admin = new Redis(server.url);
        try {
          await admin.client('PAUSE', 1_500, 'ALL');
          expect(await a.storage.getConfig('k')).toBe(1);
          expect(await a.cache.report()).toMatchObject({
            state: 'down',
            reason: expect.stringMatching(/timed out/i),
          });
          await a.storage.setConfig('k', 2);
          await until('the cache to serve again', async () => (await cacheState(a)) === 'up');
          expect(await a.storage.getConfig('k')).toBe(2);
        } finally {
          admin.disconnect();
        }
      }, 30_000);
    });
  });
}
