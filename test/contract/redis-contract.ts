/**
 * The storage contract on Valkey/Redis, with the engine's own key-space cases, for one server
 * (redis.contract-spec.ts) and for a cluster (redis-cluster.contract-spec.ts): the same cases,
 * since a cluster key is its single-server name with a hash tag put around its group.
 */
import { randomBytes } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import { RedisBackend } from '../../src/storage/backends/redis.backend';
import { parseRedisTarget } from '../../src/storage/backends/redis/client';
import type {
  CredentialState,
  StorageBackend,
  SummaryQuery,
} from '../../src/storage/storage-backend.interface';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import {
  CODES,
  expectSummariesToFollowStates,
  matches,
  NOW,
  picker,
  randomChange,
} from './redis-summary-check';
import { describeStorageContract } from './storage-contract';
import { connected, type StoreOptions } from './storage-target';

/** How to reach the server under test. */
export interface RedisContractOptions {
  /** Shown in test names: `valkey` or `valkey-cluster`. */
  name: string;
  /** The variable the global setup publishes the URL in, and the one saying why it could not. */
  urlVar: string;
  unavailableVar: string;
  /** A URL of the same form that nothing answers. */
  unreachableUrl: string;
}

let url: string | undefined;
let cluster = false;
/** Key prefixes made by the current test; each test gets its own, so tests share one server. */
const prefixes: string[] = [];
/** The key prefix of the current test's store. */
let storePrefix = '';

const newPrefix = () => {
  const prefix = `t:${randomBytes(6).toString('hex')}:`;
  prefixes.push(prefix);
  return prefix;
};

const open = (keyPrefix: string, options: Partial<StoreOptions> = {}): Promise<StorageBackend> =>
  connected(new RedisBackend({ url: url!, keyPrefix, ...options }), options);

/** Runs `op` with a client of its own on the test server (a cluster client on a cluster). */
async function withClient<T>(op: (client: Redis | Cluster) => Promise<T>): Promise<T> {
  const client = cluster
    ? new Cluster(parseRedisTarget(url!).nodes, { lazyConnect: true })
    : new Redis(url!, { lazyConnect: true });
  await client.connect();
  try {
    return await op(client);
  } finally {
    await client.quit();
  }
}

/**
 * Every key under `prefix`: SCAN on the server, or on every master of a cluster, where the
 * prefix also starts a hash tag (`{prefix...}`). The prefixes hold no glob chars.
 */
async function keysUnder(client: Redis | Cluster, prefix: string): Promise<string[]> {
  const servers = client instanceof Cluster ? client.nodes('master') : [client];
  const patterns = client instanceof Cluster ? [`${prefix}*`, `{${prefix}*`] : [`${prefix}*`];
  const found: string[] = [];
  for (const server of servers) {
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        found.push(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  }
  return found;
}

/** A key as a single server names it: a cluster key without its hash tag's braces. */
const untagged = (key: string) => (key.startsWith('{') ? key.slice(1).replace('}', '') : key);

/** Deletes every key under the test's prefixes. */
async function dropPrefixes() {
  await withClient(async (client) => {
    for (const prefix of prefixes.splice(0)) {
      const keys = await keysUnder(client, prefix);
      // One UNLINK per key: a cluster refuses one command over keys of several slots.
      await Promise.all(keys.map((key) => client.unlink(key)));
    }
  });
}

/** The store's key space: each key (prefix left out) with its members, fields or value. */
async function keySpace(): Promise<Record<string, string[]>> {
  return withClient(async (client) => {
    const read: Record<string, (key: string) => Promise<string[]>> = {
      set: async (key) => (await client.smembers(key)).sort(),
      zset: (key) => client.zrange(key, 0, -1),
      hash: (key) => client.hkeys(key),
      string: async (key) => [String(await client.get(key))],
    };
    const space: Record<string, string[]> = {};
    for (const key of await keysUnder(client, storePrefix)) {
      space[untagged(key).slice(storePrefix.length)] = await read[await client.type(key)](key);
    }
    return space;
  });
}

/** The contract and the key-space cases, on the server the options name. */
export function describeRedisContract(options: RedisContractOptions) {
  url = process.env[options.urlVar];
  cluster = url !== undefined && parseRedisTarget(url).cluster;
  describeStorageContract(
    {
      name: options.name,
      kind: 'valkey',
      serverTimedEntries: true,
      unavailable: () =>
        url
          ? null
          : (process.env[options.unavailableVar] ??
            `${options.urlVar} is not set (run the test global setup or point it at a server)`),
      async create(storeOptions) {
        const prefix = (storePrefix = newPrefix());
        return {
          storage: await open(prefix, storeOptions),
          another: (o) => open(prefix, o),
        };
      },
      createUnreachable() {
        // Port 1 refuses connections: nothing listens there on a test machine.
        return new ValidatedStorage(
          new RedisBackend({ url: options.unreachableUrl, connectTimeoutMs: 1000 }),
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

        if (cluster) {
          it('refuses a plain URL to a cluster node, saying which URL to write', async () => {
            const { host, port } = parseRedisTarget(url!).nodes[0];
            const plain = new RedisBackend({
              url: `redis://${host}:${port}`,
              connectTimeoutMs: 5000,
            });
            await expect(plain.connect()).rejects.toThrow(
              /cluster node: write the URL as redis\+cluster:\/\//,
            );
          });
        }

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

        it('leaves no key or index entry behind for a deleted credential', async () => {
          const s = ctx.storage;
          // Glob characters in names and model keys are plain characters in index keys too.
          for (const name of ['gone*[1].json', 'kept.json']) {
            await s.upsertCredential('geminicli', name, { refresh_token: name });
            await s.updateState('geminicli', name, { disabled: true });
            await s.recordFailure('geminicli', name, { code: 500 });
            const until = 4e9;
            await s.recordFailure('geminicli', name, {
              code: 429,
              modelKey: 'pro',
              cooldownUntil: until,
            });
            await s.setModelCooldown('geminicli', name, 'flash:*', until + 1);
          }
          expect(await s.deleteCredential('geminicli', 'gone*[1].json')).toBe(true);
          const space = await keySpace();
          const mentions = Object.entries(space).filter((entry) =>
            entry.join('|').includes('gone'),
          );
          expect(mentions).toEqual([]);
          expect(space).toMatchObject({
            'creds:ordered:disabled': ['kept.json'],
            'creds:ordered:errors:429': ['kept.json'],
            'creds:ordered:errors:500': ['kept.json'],
            'creds:cooldown:pro': ['kept.json'],
            'creds:cooldown:flash:*': ['kept.json'],
            'creds:cooling': ['kept.json'],
          });
          expect(await s.deleteCredential('geminicli', 'kept.json')).toBe(true);
          // With no credential left, every index is empty, so gone: only the counters and the
          // layout markers remain (on a cluster the namespace counts its changes in its own slot).
          const counters = ['ag_creds:indexed', 'creds:indexed', 'creds:seq'];
          counters.push(cluster ? 'creds:version' : 'version');
          expect(Object.keys(await keySpace()).sort()).toEqual(counters);
        });

        it('answers every summary filter as the states say, after any changes', async () => {
          const s = ctx.storage;
          const names = Array.from({ length: 12 }, (_, i) => `m${i}.json`);
          // Untouched credentials between them make the filtered sets a small share of the whole.
          for (const name of names.flatMap((name) => [
            name,
            `${name}-1`,
            `${name}-2`,
            `${name}-3`,
          ])) {
            await s.upsertCredential('geminicli', name, { r: name });
          }
          // More distinct codes than are remembered, so the oldest fall out of the window.
          for (const code of CODES) await s.recordFailure('geminicli', names[0], { code });
          await expectSummariesToFollowStates(s);
          const pick = picker(7);
          for (let round = 0; round < 4; round++) {
            for (let step = 0; step < 150; step++) await randomChange(s, pick(names), pick);
            await expectSummariesToFollowStates(s);
          }
        });

        it('pages past long runs of filtered-out names, in order and with exact totals', async () => {
          const s = ctx.storage;
          const names = Array.from({ length: 60 }, (_, i) => `r${String(i).padStart(2, '0')}.json`);
          await s.upsertCredentials(
            'geminicli',
            names.map((name) => ({ name, data: { r: name } })),
          );
          const problem = { code: 'no_project', message: 'none', at: NOW };
          for (const [i, name] of names.entries()) {
            // Runs of 25 and 12 disabled names, longer than a page; other filters across them.
            if ((i >= 5 && i < 30) || (i >= 40 && i < 52)) {
              await s.updateState('geminicli', name, { disabled: true });
            }
            if (i % 3 === 0) await s.recordFailure('geminicli', name, { code: 400 });
            if (i % 10 === 7) await s.setModelCooldown('geminicli', name, 'pro', NOW + 60);
            if (i === 8 || i === 56) await s.updateState('geminicli', name, { problem });
          }
          await expectSummariesToFollowStates(s);
        });

        it('indexes data written by a version with the older index layout on connect', async () => {
          const s = ctx.storage;
          // More credentials than the upgrade indexes per script call.
          const names = Array.from({ length: 1100 }, (_, i) => `u${i}.json`);
          await s.upsertCredentials(
            'geminicli',
            names.map((name) => ({ name, data: { r: name } })),
          );
          const pick = picker(11);
          for (let step = 0; step < 300; step++) await randomChange(s, pick(names), pick);
          // What the older version left: the ordered indexes as SETs under their old names.
          await withClient(async (client) => {
            for (const key of await keysUnder(client, storePrefix)) {
              const [group, kind] = untagged(key).slice(storePrefix.length).split(':');
              if (kind === 'indexed') await client.del(key);
              if (kind !== 'ordered') continue;
              await client.sadd(
                key.replace(':ordered:', ':'),
                ...(await client.zrange(key, 0, -1)),
              );
              await client.del(key);
              expect(group).toMatch(/^(ag_)?creds$/);
            }
          });
          expect(Object.keys(await keySpace())).toContain('creds:disabled');

          const upgraded = await open(storePrefix);
          try {
            const states: Array<[string, CredentialState]> = [];
            for (const name of await upgraded.listCredentialNames('geminicli')) {
              states.push([name, (await upgraded.getState('geminicli', name, NOW))!]);
            }
            const queries: SummaryQuery[] = [
              { status: 'disabled' },
              { status: 'enabled', cooldown: 'out', problem: 'none' },
              { errorCode: CODES[0] },
              { problem: 'any' },
              { problem: 'needs_reauth', status: 'enabled' },
              { cooldown: 'in', modelKey: 'pro' },
            ];
            for (const query of queries) {
              const expected = states.filter(([, state]) => matches(state, query));
              const page = await upgraded.summarize('geminicli', {
                ...query,
                now: NOW,
                limit: 2000,
              });
              expect({ query, names: page.items.map((item) => item.name) }).toEqual({
                query,
                names: expected.map(([name]) => name),
              });
              expect(page.total).toBe(expected.length);
            }
            const legacy = Object.keys(await keySpace()).filter((key) =>
              /^(ag_)?creds:(disabled|errors:|problem:)/.test(key),
            );
            expect(legacy).toEqual([]);
          } finally {
            await upgraded.close();
          }
        });
      });
    },
  );
}
