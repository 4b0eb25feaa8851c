import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startGateway, type GatewayProcess } from './support/gateway-process';

const PASSWORD = 'hunter2-secret';

async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('gateway start-up', () => {
  let gateway: GatewayProcess | undefined;
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  it('starts on SQLite in ./creds with no configuration and reports it', async () => {
    const started = await startGateway();
    gateway = started.gateway!;
    expect(gateway).toBeDefined();
    expect(gateway.output()).toMatch(/\[INFO\] \[Storage\] Using SQLite storage backend/);
    expect(existsSync(join(gateway.credentialsDir, 'credentials.db'))).toBe(true);

    const health = await getJson(`${gateway.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body.info.storage).toMatchObject({ status: 'up', backend: 'sqlite' });

    const info = await getJson(`${gateway.url}/api/auth/storage-info`, await gateway.login());
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      backend: 'sqlite',
      requested: 'sqlite',
      degraded: false,
      attempts: [{ backend: 'sqlite', ok: true }],
      connection: { database: join(gateway.credentialsDir, 'credentials.db'), tls: false },
      counts: { geminicli: 0, antigravity: 0, config: 0 },
    });
    expect(typeof info.body.ping_ms).toBe('number');

    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/keepalive`, { method: 'HEAD' })).status).toBe(200);
  });

  it('uses CREDENTIALS_DIR for the database, creating the directory', async () => {
    const started = await startGateway({ CREDENTIALS_DIR: 'data/nested/creds' });
    gateway = started.gateway!;
    const info = await getJson(`${gateway.url}/api/auth/storage-info`, await gateway.login());
    expect(info.body.connection.database).toMatch(/data\/nested\/creds\/credentials\.db$/);
    expect(existsSync(info.body.connection.database)).toBe(true);
  });

  it("falls back from an unreachable Redis to SQLite, says so in the seed's words, and is degraded", async () => {
    const port = await freePort();
    const started = await startGateway({
      REDIS_URL: `redis://default:${PASSWORD}@127.0.0.1:${port}`,
    });
    gateway = started.gateway!;
    const log = gateway.output();
    expect(log).toMatch(/\[ERROR\] \[Storage\] Failed to initialize Valkey\/Redis backend: .+/);
    expect(log).toMatch(/\[INFO\] \[Storage\] Falling back to other backends\.\.\./);
    expect(log).toMatch(/\[INFO\] \[Storage\] Using SQLite storage backend/);
    expect(log).toMatch(/\[WARN\] \[Storage\] Storage is degraded/);
    expect(log.indexOf('Failed to initialize Valkey/Redis')).toBeLessThan(
      log.indexOf('Using SQLite'),
    );

    const info = await getJson(`${gateway.url}/api/auth/storage-info`, await gateway.login());
    expect(info.body).toMatchObject({ backend: 'sqlite', requested: 'valkey', degraded: true });
    expect(info.body.attempts).toEqual([
      expect.objectContaining({
        backend: 'valkey',
        ok: false,
        target: `redis://default:***@127.0.0.1:${port}`,
        error: expect.any(String),
      }),
      expect.objectContaining({ backend: 'sqlite', ok: true }),
    ]);
    expect(JSON.stringify(info.body)).not.toContain(PASSWORD);
    expect(log).not.toContain(PASSWORD);
  });

  it('refuses to start with STORAGE_FALLBACK=false when the configured backend is down', async () => {
    const port = await freePort();
    const result = await startGateway({
      REDIS_URL: `redis://default:${PASSWORD}@127.0.0.1:${port}`,
      STORAGE_FALLBACK: 'false',
    });
    expect(result.gateway).toBeUndefined();
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/Failed to initialize Valkey\/Redis backend/);
    expect(result.output).toMatch(/No storage backend available \(STORAGE_FALLBACK=false/);
    expect(result.output).not.toMatch(/Using SQLite storage backend/);
    expect(result.output).not.toContain(PASSWORD);
  });

  it('tries every configured backend in priority order before SQLite', async () => {
    const [redis, postgres, mongo] = [await freePort(), await freePort(), await freePort()];
    const started = await startGateway({
      VALKEY_URL: `redis://default:${PASSWORD}@127.0.0.1:${redis}`,
      POSTGRES_DSN: `postgres://gcli:${PASSWORD}@127.0.0.1:${postgres}/gcli`,
      MONGODB_URI: `mongodb://gcli:${PASSWORD}@127.0.0.1:${mongo}/gcli`,
      STORAGE_CONNECT_TIMEOUT_MS: '3000',
    });
    gateway = started.gateway!;
    const log = gateway.output();
    const order = ['Valkey/Redis', 'PostgreSQL', 'MongoDB'].map((label) =>
      log.indexOf(`Failed to initialize ${label} backend`),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const info = await getJson(`${gateway.url}/api/auth/storage-info`, await gateway.login());
    expect(info.body.attempts.map((a: { backend: string }) => a.backend)).toEqual([
      'valkey',
      'postgresql',
      'mongodb',
      'sqlite',
    ]);
    expect(log).not.toContain(PASSWORD);
    expect(JSON.stringify(info.body)).not.toContain(PASSWORD);
  }, 60_000);

  it('refuses a bad environment with one line per variable, never echoing a value', async () => {
    const result = await startGateway({
      PORT: 'seventy',
      REDIS_URL: `not-a-url-${PASSWORD}`,
      STORAGE_FALLBACK: 'maybe',
    });
    expect(result.gateway).toBeUndefined();
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/^ {2}PORT: must be a whole number$/m);
    expect(result.output).toMatch(
      /^ {2}REDIS_URL: must be a URL starting with redis:\/\/, rediss:\/\/, redis\+cluster:\/\/ or rediss\+cluster:\/\/$/m,
    );
    expect(result.output).toMatch(/^ {2}STORAGE_FALLBACK: must be true or false$/m);
    expect(result.output).not.toContain(PASSWORD);
    expect(result.output).not.toContain('seventy');
  });
});
