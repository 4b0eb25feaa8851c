import Redis from 'ioredis';
import { freePort, startRedis, type ServerHandle } from '../support/servers';
import type { ContractContext } from './storage-target';
import type { OpenTier, TierPlace, TierStores } from './tier-target';
import { tierPendingGroup } from './tier-pending.group';
import { cacheState, counted, gate, until } from './tier-test-helpers';

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

    tierPendingGroup(stores, open);

    describe('when the cache fails', () => {
      let server: ServerHandle;
      beforeAll(async () => {
        // Its own server, persistent so a copy made before a crash is still there after it.
        server = await startRedis({ persistent: true });
      }, 30_000);
      afterAll(async () => {
        await server?.dispose();
      });

      const openOnServer = (place: TierPlace, timeoutMs = 300) =>
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
