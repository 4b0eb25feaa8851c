import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { mongo } from 'mongoose';
import { MongoBackend, type MongoBackendOptions } from '../../src/storage/backends/mongodb.backend';
import { UsageWriteError } from '../../src/storage/storage.errors';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { serverUrl } from '../support/server-env';
import { freePort } from '../support/servers';
import { describeStorageContract } from './storage-contract';
import { connected } from './storage-target';

const SERVER = serverUrl('mongodb');
const databases: string[] = [];
let refusedPort = 0;

const open = (options: Partial<MongoBackendOptions> = {}) =>
  connected(new MongoBackend({ uri: SERVER.url!, ...options }), options);

/** A database name of its own, dropped again by `cleanup`. */
const freshDatabase = () => {
  const name = `gcli_t_${randomBytes(6).toString('hex')}`;
  databases.push(name);
  return name;
};

/** The server's URI with `database` as its path. */
const uriWithPath = (database: string) => {
  const url = new URL(SERVER.url!);
  url.pathname = `/${database}`;
  return url.toString();
};

const withClient = async <T>(work: (client: mongo.MongoClient) => Promise<T>) => {
  const client = new mongo.MongoClient(SERVER.url!, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.close();
  }
};

beforeAll(async () => {
  refusedPort = await freePort();
});

/** A TCP relay to the server that holds what the client sends for `delayMs`: a slow network. */
async function slowRelay(port: number, host: string, delayMs: number) {
  const clients = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    clients.add(client);
    client.on('close', () => {
      clients.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    upstream.pipe(client);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    port: (server.address() as AddressInfo).port,
    /** Client connections still open. */
    connections: () => clients.size,
    close: () =>
      new Promise<void>((closed) => {
        for (const client of clients) client.destroy();
        server.close(() => closed());
      }),
  };
}

describe('mongodb options', () => {
  it('takes the database from the option, else the URI path, else gcli2api', () => {
    const uri = 'mongodb://u:p@db.example.com:27017/fromuri?authSource=admin';
    expect(new MongoBackend({ uri, database: 'explicit' }).database).toBe('explicit');
    expect(new MongoBackend({ uri }).database).toBe('fromuri');
    expect(new MongoBackend({ uri: 'mongodb://db.example.com:27017/' }).database).toBe('gcli2api');
    expect(new MongoBackend({ uri: 'mongodb://a:1,b:2' }).database).toBe('gcli2api');
  });
});

describeStorageContract(
  {
    name: 'mongodb',
    unavailable: () => SERVER.reason ?? null,
    async create(options) {
      const database = freshDatabase();
      return {
        storage: await open({ database, ...options }),
        another: (o) => open({ database, ...o }),
      };
    },
    createUnreachable() {
      const uri = `mongodb://gcli:hunter2@127.0.0.1:${refusedPort}/x`;
      return new ValidatedStorage(new MongoBackend({ uri, connectTimeoutMs: 1_000 }));
    },
    async cleanup() {
      const names = databases.splice(0);
      await withClient(async (client) => {
        for (const name of names) await client.db(name).dropDatabase();
      });
    },
  },
  (ctx) => {
    describe('mongodb database', () => {
      it('uses the database named in the URI path when no database option is given', async () => {
        const database = freshDatabase();
        const storage = await open({ uri: uriWithPath(database) });
        try {
          await storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
          expect((await storage.info()).database).toBe(database);
          const count = await withClient((client) =>
            client.db(database).collection('credentials').countDocuments({}),
          );
          expect(count).toBe(1);
        } finally {
          await storage.close();
        }
      });

      it('keeps no connection that arrives after close() (a connect past its timeout)', async () => {
        const target = new URL(SERVER.url!);
        const relay = await slowRelay(Number(target.port), target.hostname, 700);
        const backend = new MongoBackend({
          uri: `mongodb://127.0.0.1:${relay.port}/${freshDatabase()}`,
          connectTimeoutMs: 10_000,
        });
        try {
          const connecting = backend.connect();
          await new Promise((resolve) => setTimeout(resolve, 100));
          await backend.close();
          await expect(connecting).rejects.toThrow(/closed before the connection was ready/);
          const deadline = Date.now() + 5_000;
          while (relay.connections() > 0 && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          expect(relay.connections()).toBe(0);
        } finally {
          await relay.close();
        }
      });

      it('writes the usage documents it can and gives up one the server refuses for good', async () => {
        const { database } = await ctx.storage.info();
        const day = '2026-05-01';
        const key = (model: string) => JSON.stringify([day, 'geminicli', 'a.json', model]);
        // A document whose counters cannot take $inc: its write fails, the other's does not.
        await withClient((client) =>
          client
            .db(database)
            .collection<Record<string, unknown> & { _id: string }>('gcli_usage')
            .insertOne({
              _id: key('broken'),
              day,
              ns: 'geminicli',
              credential: 'a.json',
              model: 'broken',
              counters: 'x',
            }),
        );
        const increment = (model: string) =>
          ({
            day,
            ns: 'geminicli',
            credential: 'a.json',
            model,
            metric: 'requests',
            by: 1,
          }) as const;
        const error = await ctx.storage
          .incrementUsage([increment('good'), increment('broken')])
          .catch((err: unknown) => err);
        expect(error).toBeInstanceOf(UsageWriteError);
        // The broken document is refused for good: trying it again would fail every flush.
        expect((error as UsageWriteError).message).toMatch(/1 of 2 usage documents .*1 given up/);
        expect((error as UsageWriteError).unwritten).toEqual([]);
        expect(await ctx.storage.listUsage({ model: 'good' })).toEqual([
          {
            day,
            ns: 'geminicli',
            credential: 'a.json',
            model: 'good',
            metric: 'requests',
            value: 1,
          },
        ]);
      });

      it('describes its host, database and TLS without a password', async () => {
        const info = await ctx.storage.info();
        expect(info).toMatchObject({
          kind: 'mongodb',
          host: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
          database: expect.stringMatching(/^gcli_t_/),
          tls: false,
        });
      });

      it('stores documents in the Python gateway shape', async () => {
        await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
        await ctx.storage.recordFailure('geminicli', 'a.json', {
          code: 429,
          modelKey: 'pro',
          cooldownUntil: 4e9,
        });
        await ctx.storage.setConfig('api_password', 's3cret');
        const database = (await ctx.storage.info()).database!;
        const [credential, config] = await withClient(async (client) => [
          await client.db(database).collection('credentials').findOne({ filename: 'a.json' }),
          await client.db(database).collection('config').findOne({ key: 'api_password' }),
        ]);
        expect(credential).toMatchObject({
          filename: 'a.json',
          credential_data: { refresh_token: 'r' },
          disabled: false,
          error_codes: [429],
          last_success: null,
          user_email: null,
          model_cooldowns: { pro: 4e9 },
          rotation_order: expect.any(Number),
          call_count: 0,
          created_at: expect.any(Number),
          updated_at: expect.any(Number),
        });
        expect(config).toMatchObject({ key: 'api_password', value: 's3cret' });
      });

      it('opens a database of the Python gateway as it is', async () => {
        const database = freshDatabase();
        await withClient(async (client) => {
          const db = client.db(database);
          const credentials = db.collection('credentials');
          await credentials.createIndex({ filename: 1 }, { unique: true });
          await credentials.createIndex({ rotation_order: 1 });
          await credentials.insertMany([
            {
              filename: 'old.json',
              credential_data: { refresh_token: 'r' },
              disabled: true,
              error_codes: [403],
              last_success: 1700000000,
              user_email: 'old@x.com',
              model_cooldowns: { pro: 4e9 },
              rotation_order: 7,
              call_count: 3,
              created_at: 1700000000,
              updated_at: 1700000000,
            },
            { filename: 'older.json', credential_data: { refresh_token: 'o' }, rotation_order: 2 },
          ]);
          await db.collection('config').insertOne({ key: 'api_password', value: 's3cret' });
        });

        const storage = await open({ database });
        try {
          expect(await storage.listCredentialNames('geminicli')).toEqual([
            'older.json',
            'old.json',
          ]);
          expect(await storage.getCredential('geminicli', 'old.json')).toEqual({
            refresh_token: 'r',
          });
          expect(await storage.getState('geminicli', 'old.json')).toEqual({
            disabled: true,
            errorCodes: [403],
            lastSuccess: 1700000000,
            userEmail: 'old@x.com',
            modelCooldowns: { pro: 4e9 },
            callCount: 3,
            problem: null,
          });
          expect(await storage.getState('geminicli', 'older.json')).toEqual({
            disabled: false,
            errorCodes: [],
            lastSuccess: null,
            userEmail: null,
            modelCooldowns: {},
            callCount: 0,
            problem: null,
          });
          expect(await storage.getConfig('api_password')).toBe('s3cret');
          await storage.recordFailure('geminicli', 'old.json', {
            code: 429,
            modelKey: 'flash',
            cooldownUntil: 4e9,
          });
          expect((await storage.getState('geminicli', 'old.json'))?.errorCodes).toEqual([403, 429]);
          await storage.upsertCredential('geminicli', 'new.json', { refresh_token: 'n' });
          expect(
            await storage.upsertCredential('geminicli', 'old.json', { refresh_token: 'r2' }),
          ).toEqual({
            created: false,
          });
          expect(await storage.listCredentialNames('geminicli')).toEqual([
            'older.json',
            'old.json',
            'new.json',
          ]);
          expect((await storage.getState('geminicli', 'old.json'))?.disabled).toBe(true);
        } finally {
          await storage.close();
        }
      });

      it('round-trips model keys and data keys that are not valid field names', async () => {
        const odd = ['gemini-2.5-pro', '$model', '100%', 'a%2Eb', 'x.y.z'];
        await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
        for (const key of odd) await ctx.storage.setModelCooldown('geminicli', 'a.json', key, 4e9);
        const state = await ctx.storage.getState('geminicli', 'a.json');
        expect(state?.modelCooldowns).toEqual(Object.fromEntries(odd.map((key) => [key, 4e9])));
        const page = await ctx.storage.summarize('geminicli', {
          cooldown: 'in',
          modelKey: 'gemini-2.5-pro',
        });
        expect(page.items.map((item) => item.name)).toEqual(['a.json']);
        await ctx.storage.setModelCooldown('geminicli', 'a.json', 'gemini-2.5-pro', null);
        expect(
          (await ctx.storage.getState('geminicli', 'a.json'))?.modelCooldowns,
        ).not.toHaveProperty('gemini-2.5-pro');

        const data = { refresh_token: 'r', 'a.b': { $c: [{ '': 1 }] } };
        await ctx.storage.upsertCredential('geminicli', 'odd.json', data);
        expect(await ctx.storage.getCredential('geminicli', 'odd.json')).toEqual(data);
        await ctx.storage.upsertCredential('geminicli', 'odd.json', { refresh_token: 'plain' });
        expect(await ctx.storage.getCredential('geminicli', 'odd.json')).toEqual({
          refresh_token: 'plain',
        });
        const value = { 'gemini-2.5-pro': 'alias', $x: [1, { 'y.z': null }] };
        await ctx.storage.setConfig('models', value);
        expect(await ctx.storage.getConfig('models')).toStrictEqual(value);
        await ctx.storage.setConfig('models', ['plain']);
        expect(await ctx.storage.getAllConfig()).toStrictEqual({ models: ['plain'] });
      });
    });
  },
);
