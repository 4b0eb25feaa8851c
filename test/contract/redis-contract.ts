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

const NOW = 1_800_000_000;
const CODES = Array.from({ length: 14 }, (_, i) => 400 + i);

type Pick = <T>(list: readonly T[]) => T;

/** Deterministic pseudo-random choices (a linear congruential generator). */
function picker(seed: number): Pick {
  return (list) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return list[Math.floor((seed / 2 ** 31) * list.length)];
  };
}

/** One state change of `name` drawn with `pick`: mostly failures, and some of every other kind. */
async function randomChange(s: StorageBackend, name: string, pick: Pick): Promise<unknown> {
  const code = pick(CODES);
  const modelKey = pick(['pro', 'flash']);
  const until = NOW + pick([-30, 30, 90]);
  switch (pick(['fail', 'fail', 'fail', 'fail', 'cool', 'cool', 'ok', 'set', 'off', 'del'])) {
    case 'fail':
      return s.recordFailure('geminicli', name, { code });
    case 'cool':
      return s.recordFailure('geminicli', name, { code, modelKey, cooldownUntil: until });
    case 'ok':
      return s.recordSuccess('geminicli', name, pick([{}, { modelKey }]));
    case 'set':
      return s.setModelCooldown('geminicli', name, modelKey, pick([null, until]));
    case 'off':
      return s.updateState('geminicli', name, { disabled: pick([true, false]) });
    default:
      await s.deleteCredential('geminicli', name);
      return s.upsertCredential('geminicli', name, { r: name });
  }
}

/** Every combination of the summary's filters, at `now`. */
function everyQuery(now: number): SummaryQuery[] {
  const cooldowns: SummaryQuery[] = [{ cooldown: 'all' }];
  for (const cooldown of ['in', 'out'] as const) {
    for (const modelKey of [undefined, 'pro', 'flash']) cooldowns.push({ cooldown, modelKey });
  }
  return (['all', 'enabled', 'disabled'] as const).flatMap((status) =>
    [undefined, 400, 404, 409, 413].flatMap((errorCode) =>
      cooldowns.map((cooldown) => ({ status, errorCode, ...cooldown, now, limit: 100 })),
    ),
  );
}

/** Checks the answer to every summary query, at two times, against the credentials' states. */
async function expectSummariesToFollowStates(s: StorageBackend) {
  for (const now of [NOW, NOW + 30]) {
    const states: Array<[string, CredentialState]> = [];
    for (const name of await s.listCredentialNames('geminicli')) {
      states.push([name, (await s.getState('geminicli', name, now))!]);
    }
    for (const query of everyQuery(now)) {
      const expected = states.filter(([, state]) => matches(state, query)).map(([name]) => name);
      const page = await s.summarize('geminicli', query);
      const names = page.items.map((item) => item.name);
      expect({ query, names, total: page.total }).toEqual({
        query,
        names: expected,
        total: expected.length,
      });
      // Walked in small pages, the same names in the same order: each page starts where it must
      // even when the names before it are skipped.
      const walked: string[] = [];
      for (let offset = 0; offset < expected.length; offset += PAGE_STEP) {
        const part = await s.summarize('geminicli', { ...query, offset, limit: PAGE_STEP });
        expect(part.total).toBe(expected.length);
        walked.push(...part.items.map((item) => item.name));
      }
      expect({ query, walked }).toEqual({ query, walked: expected });
    }
  }
}

/** The page size of the walk in `expectSummariesToFollowStates`: small, and not a divisor of it. */
const PAGE_STEP = 7;

/** What the summary must answer, worked out from each credential's state. */
function matches(state: CredentialState, q: SummaryQuery): boolean {
  const { status = 'all', errorCode, cooldown = 'all', modelKey } = q;
  if (status !== 'all' && state.disabled !== (status === 'disabled')) return false;
  if (errorCode !== undefined && !state.errorCodes.includes(errorCode)) return false;
  if (cooldown === 'all') return true;
  const models = Object.keys(state.modelCooldowns);
  const cooling = modelKey === undefined ? models.length > 0 : models.includes(modelKey);
  return cooling === (cooldown === 'in');
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
            'creds:disabled': ['kept.json'],
            'creds:errors:429': ['kept.json'],
            'creds:errors:500': ['kept.json'],
            'creds:cooldown:pro': ['kept.json'],
            'creds:cooldown:flash:*': ['kept.json'],
            'creds:cooling': ['kept.json'],
          });
          expect(await s.deleteCredential('geminicli', 'kept.json')).toBe(true);
          // With no credential left, every index is empty, so gone: only the counters remain (on a
          // cluster the namespace counts its changes in its own slot).
          const counters = ['creds:seq', cluster ? 'creds:version' : 'version'];
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
      });
    },
  );
}
