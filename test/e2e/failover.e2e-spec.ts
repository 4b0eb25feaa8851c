import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, dropPostgresDatabase, freePort } from '../support/servers';
import { describeWithServers, serverUrl } from '../support/server-env';
import { startRunningGateway, type GatewayProcess } from './support/gateway-process';

const PASSWORD = 'hunter2-failover';
const unique = () => randomBytes(5).toString('hex');

async function storageInfo(gateway: GatewayProcess) {
  const response = await fetch(`${gateway.url}/api/auth/storage-info`, {
    headers: await gateway.login(),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, any>;
}

describeWithServers(['redis', 'postgres', 'mongodb'])(
  'storage failover on the built gateway',
  () => {
    let gateway: GatewayProcess | undefined;
    let refused: { redis: string; postgres: string; mongodb: string };
    let live: {
      redis: () => Record<string, string>;
      postgres: () => Promise<Record<string, string>>;
      mongodb: () => Record<string, string>;
    };
    const databases: string[] = [];
    const adminDsn = serverUrl('postgres').url!;

    beforeAll(async () => {
      const [r, p, m] = [await freePort(), await freePort(), await freePort()];
      refused = {
        redis: `redis://default:${PASSWORD}@127.0.0.1:${r}`,
        postgres: `postgres://gcli:${PASSWORD}@127.0.0.1:${p}/gcli`,
        mongodb: `mongodb://gcli:${PASSWORD}@127.0.0.1:${m}/gcli`,
      };
      live = {
        redis: () => ({ REDIS_URL: serverUrl('redis').url!, REDIS_KEY_PREFIX: `e2e:${unique()}:` }),
        postgres: async () => {
          const name = `gcli_e2e_${unique()}`;
          databases.push(name);
          return { POSTGRES_DSN: await createPostgresDatabase(adminDsn, name) };
        },
        mongodb: () => ({
          MONGODB_URI: serverUrl('mongodb').url!,
          MONGODB_DATABASE: `gcli_e2e_${unique()}`,
        }),
      };
    });

    afterEach(async () => {
      await gateway?.stop();
      gateway = undefined;
    });

    afterAll(async () => {
      for (const name of databases) await dropPostgresDatabase(adminDsn, name);
    });

    const start = async (env: Record<string, string>) => {
      gateway = await startRunningGateway({ STORAGE_CONNECT_TIMEOUT_MS: '3000', ...env });
      return gateway;
    };

    const expectFailed = (log: string, label: string) => {
      expect(log).toMatch(
        new RegExp(`\\[ERROR\\] \\[Storage\\] Failed to initialize ${label} backend: .+`),
      );
    };

    it.each([
      ['valkey', 'Valkey/Redis', () => live.redis()],
      ['postgresql', 'PostgreSQL', () => live.postgres()],
      ['mongodb', 'MongoDB', () => live.mongodb()],
    ])(
      'uses %s when it is the one configured and it is up',
      async (kind, label, env) => {
        const gw = await start(await env());
        expect(gw.output()).toMatch(
          new RegExp(`\\[INFO\\] \\[Storage\\] Using ${label} storage backend`),
        );
        expect(gw.output()).not.toMatch(/Falling back/);
        const info = await storageInfo(gw);
        expect(info).toMatchObject({ backend: kind, requested: kind, degraded: false });
        expect(info.attempts).toEqual([expect.objectContaining({ backend: kind, ok: true })]);
        const health = (await (await fetch(`${gw.url}/health`)).json()) as any;
        expect(health.info.storage).toMatchObject({ status: 'up', backend: kind });
      },
      60_000,
    );

    it('falls back from a Redis that is down to PostgreSQL', async () => {
      const gw = await start({ REDIS_URL: refused.redis, ...(await live.postgres()) });
      const log = gw.output();
      expectFailed(log, 'Valkey/Redis');
      expect(log).toMatch(/\[INFO\] \[Storage\] Falling back to other backends\.\.\./);
      expect(log).toMatch(/\[INFO\] \[Storage\] Using PostgreSQL storage backend/);
      const info = await storageInfo(gw);
      expect(info).toMatchObject({ backend: 'postgresql', requested: 'valkey', degraded: true });
      // The gateway serves, so a probe gets 200; the health report says what fell back and why.
      const health = await fetch(`${gw.url}/health`);
      expect(health.status).toBe(200);
      const report = (await health.json()) as any;
      expect(report.status).toBe('degraded');
      expect(report.info.storage).toMatchObject({
        status: 'degraded',
        backend: 'postgresql',
        requested: 'valkey',
        reachable: true,
      });
      expect(report.info.storage.reason).toMatch(
        /^valkey was configured but postgresql is in use: valkey could not be reached at start-up \(.+\)$/,
      );
      expect(info.attempts.map((a: { backend: string; ok: boolean }) => [a.backend, a.ok])).toEqual(
        [
          ['valkey', false],
          ['postgresql', true],
        ],
      );
      expect(log + JSON.stringify(info) + JSON.stringify(report)).not.toContain(PASSWORD);
    }, 60_000);

    it('falls back from Redis and PostgreSQL that are down to MongoDB', async () => {
      const gw = await start({
        REDIS_URL: refused.redis,
        POSTGRES_DSN: refused.postgres,
        ...live.mongodb(),
      });
      const log = gw.output();
      expectFailed(log, 'Valkey/Redis');
      expectFailed(log, 'PostgreSQL');
      expect(log).toMatch(/\[INFO\] \[Storage\] Using MongoDB storage backend/);
      const info = await storageInfo(gw);
      expect(info).toMatchObject({ backend: 'mongodb', requested: 'valkey', degraded: true });
      expect(info.attempts.map((a: { backend: string }) => a.backend)).toEqual([
        'valkey',
        'postgresql',
        'mongodb',
      ]);
      expect(log + JSON.stringify(info)).not.toContain(PASSWORD);
    }, 60_000);

    it('falls back to SQLite when all three are down', async () => {
      const gw = await start({
        VALKEY_URL: refused.redis,
        POSTGRES_DSN: refused.postgres,
        MONGODB_URI: refused.mongodb,
      });
      const log = gw.output();
      for (const label of ['Valkey/Redis', 'PostgreSQL', 'MongoDB']) expectFailed(log, label);
      expect(log.match(/Falling back to other backends\.\.\./g)).toHaveLength(3);
      expect(log).toMatch(/\[INFO\] \[Storage\] Using SQLite storage backend/);
      const info = await storageInfo(gw);
      expect(info).toMatchObject({ backend: 'sqlite', requested: 'valkey', degraded: true });
      expect(log + JSON.stringify(info)).not.toContain(PASSWORD);
    }, 60_000);

    it('prefers PostgreSQL over MongoDB when both are up', async () => {
      const gw = await start({ ...(await live.postgres()), ...live.mongodb() });
      expect((await storageInfo(gw)).backend).toBe('postgresql');
      expect(gw.output()).not.toMatch(/MongoDB/);
    }, 60_000);
  },
);
