import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisBackend } from '../../src/storage/backends/redis.backend';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { describeStorageContract } from './storage-contract';

const url = process.env.TEST_REDIS_URL;
/** Key prefixes made by the current test; each test gets its own, so tests share one server. */
const prefixes: string[] = [];

const newPrefix = () => {
  const prefix = `t:${randomBytes(6).toString('hex')}:`;
  prefixes.push(prefix);
  return prefix;
};

const open = async (keyPrefix: string): Promise<StorageBackend> => {
  const storage = new ValidatedStorage(new RedisBackend({ url: url!, keyPrefix }));
  await storage.connect();
  return storage;
};

/** Deletes every key under the test's prefixes (SCAN + UNLINK; the prefixes hold no glob chars). */
async function dropPrefixes() {
  const client = new Redis(url!, { lazyConnect: true });
  await client.connect();
  try {
    for (const prefix of prefixes.splice(0)) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await client.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    await client.quit();
  }
}

describeStorageContract(
  {
    name: 'valkey',
    unavailable: () =>
      url
        ? null
        : (process.env.TEST_REDIS_UNAVAILABLE ??
          'TEST_REDIS_URL is not set (run the test global setup or point it at a server)'),
    async create() {
      const prefix = newPrefix();
      return { storage: await open(prefix), another: () => open(prefix) };
    },
    createUnreachable() {
      // Port 1 refuses connections: nothing listens there on a test machine.
      return new ValidatedStorage(
        new RedisBackend({ url: 'redis://default:hunter2@127.0.0.1:1', connectTimeoutMs: 1000 }),
      );
    },
    cleanup: dropPrefixes,
  },
  (ctx) => {
    describe('valkey key space', () => {
      it('keeps two gateways with different key prefixes on one server apart', async () => {
        const neighbour = await open(newPrefix());
        try {
          await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'mine' });
          await ctx.storage.setConfig('k', 'mine');
          await ctx.storage.setEntry('lease', 'mine', 60_000);
          const version = await neighbour.changeVersion();
          await neighbour.upsertCredential('geminicli', 'b.json', { refresh_token: 'theirs' });

          expect(await neighbour.listCredentialNames('geminicli')).toEqual(['b.json']);
          expect(await neighbour.getCredential('geminicli', 'a.json')).toBeNull();
          expect(await neighbour.getConfig('k')).toBeUndefined();
          expect(await neighbour.getEntry('lease')).toBeNull();
          expect(await ctx.storage.listCredentialNames('geminicli')).toEqual(['a.json']);
          expect((await ctx.storage.info()).counts).toEqual({
            geminicli: 1,
            antigravity: 0,
            config: 1,
          });
          expect(await neighbour.changeVersion()).toBe(version + 1);
        } finally {
          await neighbour.close();
        }
      });

      it('treats glob characters in names as plain characters', async () => {
        const names = ['*', '?', '[a]', 'a', 'b', 'a*', '[ab].json', 'x\\*', 'creds:index'];
        for (const name of names) {
          await ctx.storage.upsertCredential('geminicli', name, { refresh_token: name });
        }
        for (const name of names) {
          expect(await ctx.storage.getCredential('geminicli', name)).toEqual({
            refresh_token: name,
          });
        }
        expect(await ctx.storage.getCredential('geminicli', '[b]')).toBeNull();
        expect(await ctx.storage.deleteCredential('geminicli', '*')).toBe(true);
        expect(await ctx.storage.deleteCredential('geminicli', '?')).toBe(true);
        expect(await ctx.storage.updateState('geminicli', '[a]', { disabled: true })).toBe(true);
        expect(await ctx.storage.listCredentialNames('geminicli')).toEqual(names.slice(2));
        expect((await ctx.storage.getState('geminicli', 'a'))?.disabled).toBe(false);
        const page = await ctx.storage.summarize('geminicli', { status: 'disabled' });
        expect(page.items.map((item) => item.name)).toEqual(['[a]']);
      });
    });
  },
);
