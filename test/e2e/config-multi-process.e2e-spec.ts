import { randomBytes } from 'node:crypto';
import { describeWithServers, serverUrl, type ServerName } from '../support/server-env';
import { createPostgresDatabase, dropPostgresDatabase } from '../support/servers';
import { type GatewayProcess, startRunningGateway } from './support/gateway-process';

const suffix = () => randomBytes(4).toString('hex');

interface Backend {
  label: string;
  servers: ServerName[];
  setup(): Promise<{ env: Record<string, string>; cleanup?: () => Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    label: 'PostgreSQL',
    servers: ['postgres'],
    setup: async () => {
      const adminDsn = serverUrl('postgres').url!;
      const database = `gcli_config_${suffix()}`;
      return {
        env: { POSTGRES_DSN: await createPostgresDatabase(adminDsn, database) },
        cleanup: () => dropPostgresDatabase(adminDsn, database),
      };
    },
  },
  {
    label: 'PostgreSQL with a Valkey cache',
    servers: ['postgres', 'redis'],
    setup: async () => {
      const adminDsn = serverUrl('postgres').url!;
      const database = `gcli_config_${suffix()}`;
      const env = {
        POSTGRES_DSN: await createPostgresDatabase(adminDsn, database),
        REDIS_URL: serverUrl('redis').url!,
        REDIS_KEY_PREFIX: `config:${suffix()}:`,
        STORAGE_CACHE: 'valkey',
      };
      return { env, cleanup: () => dropPostgresDatabase(adminDsn, database) };
    },
  },
  {
    label: 'Redis',
    servers: ['redis'],
    setup: async () => ({
      env: { REDIS_URL: serverUrl('redis').url!, REDIS_KEY_PREFIX: `config:${suffix()}:` },
    }),
  },
  {
    label: 'Redis Cluster',
    servers: ['redis-cluster'],
    setup: async () => ({
      env: {
        REDIS_URL: serverUrl('redis-cluster').url!,
        REDIS_KEY_PREFIX: `config:${suffix()}:`,
      },
    }),
  },
];

/** Milliseconds until `check` holds, polling every 50 ms; fails after `limitMs`. */
async function timeUntil(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not true within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

for (const backend of BACKENDS) {
  describeWithServers(backend.servers)(`two gateway processes on one ${backend.label}`, () => {
    let a: GatewayProcess;
    let b: GatewayProcess;
    let cleanup: (() => Promise<void>) | undefined;

    // Each call from its own address: polling with a key not yet in effect must not add up to
    // the 429 of failed password attempts.
    let clients = 0;
    const models = (gateway: GatewayProcess, key: string) =>
      fetch(`${gateway.url}/v1/models`, {
        headers: {
          authorization: `Bearer ${key}`,
          'x-forwarded-for': `198.51.100.${++clients % 250}`,
        },
      });
    const configOf = async (gateway: GatewayProcess, auth: Record<string, string>) =>
      (
        (await (await fetch(`${gateway.url}/config/get`, { headers: auth })).json()) as {
          config: Record<string, unknown>;
        }
      ).config;

    beforeAll(async () => {
      const shared = await backend.setup();
      cleanup = shared.cleanup;
      const env = { ...shared.env, API_PASSWORD: '', TRUST_PROXY: 'loopback' };
      a = await startRunningGateway(env);
      b = await startRunningGateway(env);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await cleanup?.();
    }, 60_000);

    it('shares panel sessions: a login on one works on the other, a logout on one ends it on both', async () => {
      const auth = await a.login();
      expect((await fetch(`${b.url}/config/get`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${b.url}/auth/logout`, { method: 'POST', headers: auth })).status).toBe(
        200,
      );
      expect((await fetch(`${a.url}/config/get`, { headers: auth })).status).toBe(401);
    }, 60_000);

    it('applies a setting saved through one process in the other within 2 s', async () => {
      const authA = await a.login();
      const authB = await b.login();
      expect((await models(b, 'pwd')).status).toBe(200);
      const saved = await fetch(`${a.url}/config/save`, {
        method: 'POST',
        headers: { ...authA, 'content-type': 'application/json' },
        body: JSON.stringify({
          config: { api_password: 'multi-secret', retry_429_max_retries: 9 },
        }),
      });
      expect(saved.status).toBe(200);
      expect((await models(a, 'multi-secret')).status).toBe(200);
      const elapsed = await timeUntil(
        async () => (await models(b, 'multi-secret')).status === 200,
        2000,
      );
      expect(elapsed).toBeLessThanOrEqual(2000);
      process.stderr.write(
        `${backend.label}: a setting saved in one process applied in the other after ${elapsed} ms\n`,
      );
      expect((await models(b, 'pwd')).status).toBe(403);
      expect((await configOf(b, authB)).retry_429_max_retries).toBe(9);
    }, 60_000);
  });
}
