import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  PostgresBackend,
  type PostgresBackendOptions,
  postgresTls,
} from '../../src/storage/backends/postgres.backend';
import { SQL_MIGRATIONS } from '../../src/storage/backends/sql/migrations';
import { StorageUnavailableError } from '../../src/storage/storage.errors';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { createPostgresDatabase, dropPostgresDatabase, freePort } from '../support/servers';
import { describeStorageContract } from './storage-contract';
import { connected } from './storage-target';

const ADMIN_DSN = process.env.TEST_POSTGRES_DSN;
const databases: string[] = [];
let refusedPort = 0;

const open = (dsn: string, options: Partial<PostgresBackendOptions> = {}) =>
  connected(new PostgresBackend({ dsn, ...options }), options);

/** A fresh, empty database of its own, dropped again by `cleanup`. */
const freshDatabase = async () => {
  const name = `gcli_t_${randomBytes(6).toString('hex')}`;
  databases.push(name);
  return createPostgresDatabase(ADMIN_DSN!, name);
};

const withClient = async <T>(dsn: string, work: (client: Client) => Promise<T>) => {
  const client = new Client({ connectionString: dsn });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  refusedPort = await freePort();
});

describe('postgresql TLS options', () => {
  it('reads sslmode: require encrypts without verifying, verify-full and verify-ca verify', () => {
    const base = 'postgres://u:p@db.example.com:5432/gcli';
    expect(postgresTls(`${base}?sslmode=require`)).toEqual({
      url: base,
      ssl: { rejectUnauthorized: false },
    });
    expect(postgresTls(`${base}?sslmode=verify-full&application_name=gw`)).toEqual({
      url: `${base}?application_name=gw`,
      ssl: { rejectUnauthorized: true },
    });
    expect(postgresTls(`${base}?sslmode=verify-ca`).ssl).toEqual({ rejectUnauthorized: true });
    for (const mode of ['disable', 'allow', 'prefer']) {
      expect(postgresTls(`${base}?sslmode=${mode}`)).toEqual({ url: base, ssl: false });
    }
    expect(postgresTls(base)).toEqual({ url: base, ssl: false });
  });
});

describeStorageContract(
  {
    name: 'postgresql',
    unavailable: () =>
      process.env.TEST_POSTGRES_UNAVAILABLE ??
      (ADMIN_DSN ? null : 'TEST_POSTGRES_DSN is not set (the global setup starts PostgreSQL)'),
    async create(options) {
      const dsn = await freshDatabase();
      return { storage: await open(dsn, options), another: (o) => open(dsn, o) };
    },
    createUnreachable() {
      const dsn = `postgres://gcli:hunter2@127.0.0.1:${refusedPort}/x`;
      return new ValidatedStorage(new PostgresBackend({ dsn, connectTimeoutMs: 2_000 }));
    },
    async cleanup() {
      for (const name of databases.splice(0)) await dropPostgresDatabase(ADMIN_DSN!, name);
    },
  },
  (ctx) => {
    describe('postgresql connection', () => {
      it('refuses a server without TLS when the DSN requires it, without showing the password', async () => {
        const dsn = await freshDatabase();
        const storage = new ValidatedStorage(
          new PostgresBackend({ dsn: `${dsn}?sslmode=require` }),
        );
        const error = await storage.connect().then(
          () => null,
          (e: unknown) => e,
        );
        await storage.close();
        expect(error).toBeInstanceOf(StorageUnavailableError);
        expect((error as Error).message).toMatch(/SSL/i);
        expect((error as Error).message).not.toContain(new URL(dsn).password);
      });

      it('describes its host, database, TLS and pool without the password', async () => {
        const info = await ctx.storage.info();
        expect(info).toMatchObject({
          kind: 'postgresql',
          host: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
          database: expect.stringMatching(/^gcli_t_/),
          tls: false,
          pool: { min: 2, max: 10 },
        });
        expect(JSON.stringify(info)).not.toContain(new URL(ADMIN_DSN!).password);
      });

      it('runs its migrations once: a second start keeps everything', async () => {
        const dsn = await freshDatabase();
        const first = await open(dsn);
        await first.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
        await first.setConfig('k', { on: true });
        await first.close();
        const second = await open(dsn);
        try {
          expect(await second.listCredentialNames('geminicli')).toEqual(['a.json']);
          expect(await second.getConfig('k')).toEqual({ on: true });
          const ran = await withClient(
            dsn,
            async (client) =>
              (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id'))
                .rows,
          );
          expect(ran.map((row) => row.name)).toEqual(SQL_MIGRATIONS.map((m) => new m().name));
        } finally {
          await second.close();
        }
      });

      it('counts and pages the credentials of a database made before the summary counts', async () => {
        const dsn = await freshDatabase();
        const older = new DataSource({
          type: 'postgres',
          url: dsn,
          migrations: SQL_MIGRATIONS.slice(0, -1),
          migrationsRun: true,
        });
        await older.initialize();
        // 2,100 credentials over three count buckets, one in three disabled; the last one's
        // cooldown was cleared, which left the old upper bound in cooldown_until.
        await older.query(
          `INSERT INTO credentials (filename, credential_data, disabled, rotation_order)
           SELECT 'o' || lpad(g::text, 4, '0') || '.json', '{}', g % 3 = 0, g
             FROM generate_series(1, 2100) g`,
        );
        await older.query(
          `UPDATE credentials SET model_cooldowns = '{"pro": 4000000000}', cooldown_until = 4e9
            WHERE filename IN ('o0001.json', 'o0002.json')`,
        );
        await older.query(
          `UPDATE credentials SET model_cooldowns = '{}' WHERE filename = 'o0002.json'`,
        );
        await older.destroy();

        const storage = await open(dsn);
        try {
          const enabled = await storage.summarize('geminicli', {
            status: 'enabled',
            offset: 1_395,
            limit: 10,
          });
          expect(enabled.stats).toEqual({ total: 2100, enabled: 1400, disabled: 700 });
          expect(enabled.total).toBe(1400);
          expect(enabled.items.map((item) => item.name)).toEqual(
            ['o2093', 'o2095', 'o2096', 'o2098', 'o2099'].map((n) => `${n}.json`),
          );
          const cooling = await storage.summarize('geminicli', { cooldown: 'in' });
          expect(cooling.items.map((item) => item.name)).toEqual(['o0001.json']);
          await storage.deleteCredential('geminicli', 'o0003.json');
          expect((await storage.summarize('geminicli', { status: 'disabled' })).total).toBe(699);
        } finally {
          await storage.close();
        }
      });

      it('rolls back a whole bulk upsert when one row is refused, and stays usable', async () => {
        // JSONB cannot hold U+0000, so the server refuses this row in the middle of the batch.
        // The validating wrapper refuses it before any write, so talk to the backend directly.
        const raw = new PostgresBackend({ dsn: await freshDatabase() });
        await raw.connect();
        const items = Array.from({ length: 3_000 }, (_, i) => ({
          name: `c${i}.json`,
          data: { refresh_token: i === 2_500 ? 'bad\u0000token' : `r${i}` },
        }));
        await expect(raw.upsertCredentials('geminicli', items)).rejects.toThrow(
          /unsupported Unicode escape/,
        );
        expect(await raw.listCredentialNames('geminicli')).toEqual([]);
        for (let i = 0; i < 12; i++) {
          expect(await raw.upsertCredentials('geminicli', items.slice(0, 2))).toEqual({
            created: i === 0 ? 2 : 0,
            updated: i === 0 ? 0 : 2,
          });
        }
        expect(await raw.listCredentialNames('geminicli')).toEqual(['c0.json', 'c1.json']);
        await raw.close();
      });

      it('keeps working after the server drops its idle connections', async () => {
        await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
        const database = (await ctx.storage.info()).database;
        await withClient(ADMIN_DSN!, (client) =>
          client.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [database],
          ),
        );
        await sleep(300);
        await ctx.storage.ping();
        expect(await ctx.storage.listCredentialNames('geminicli')).toEqual(['a.json']);
      });
    });
  },
);
