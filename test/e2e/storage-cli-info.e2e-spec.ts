import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describeWithServers, serverUrl } from '../support/server-env';
import { freePort } from '../support/servers';
import { startGateway } from './support/gateway-process';
import {
  dropRedisPrefix,
  dropStores,
  freshStore,
  resultOf,
  runCli,
  seed,
} from './support/cli-stores';

describeWithServers(['postgres'])('gcli2api serve and storage info', () => {
  afterEach(dropStores);

  it('serve starts the gateway as npm start does', async () => {
    const { gateway, output } = await startGateway({}, 30_000, undefined, [
      resolve('dist/cli/main.js'),
      'serve',
    ]);
    expect(output).toMatch(/Using SQLite storage backend/);
    try {
      expect((await fetch(`${gateway!.url}/health/live`)).status).toBe(200);
    } finally {
      await gateway?.stop();
    }
  }, 60_000);

  it('shows the backend a URL selects, that it answers, and its counts, without the password', async () => {
    const store = await freshStore('postgresql');
    const storage = await store.open();
    await seed(storage, 3, ['geminicli']);
    await storage.close();
    const run = await runCli(['storage', 'info', '--url', store.location]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('backend: postgresql');
    expect(run.stdout).toMatch(
      /target: postgres:\/\/(postgres:)?\*\*\*@127\.0\.0\.1:\d+\/gcli_cli_/,
    );
    expect(run.stdout).toContain('reachable: yes');
    expect(run.stdout).toContain('credentials: 3 geminicli, 0 antigravity');
    expect(run.stdout).toContain('settings: 4');
    const password = new URL(store.location).password;
    expect(run.stdout + run.stderr).not.toContain(password);
  }, 60_000);

  it('shows what the environment selects, failover included, as the storage-info route does', async () => {
    const port = await freePort();
    const store = await freshStore('sqlite');
    const run = await runCli(['storage', 'info', '--json'], {
      env: {
        POSTGRES_DSN: `postgres://gcli:hunter2@127.0.0.1:${port}/db`,
        CREDENTIALS_DIR: resolve(store.location, '..'),
        STORAGE_CONNECT_TIMEOUT_MS: '2000',
      },
    });
    expect(run.code).toBe(0);
    const result = resultOf(run);
    expect(result).toMatchObject({
      backend: 'sqlite',
      requested: 'postgresql',
      degraded: true,
      fallback_enabled: true,
      attempts: [
        { backend: 'postgresql', ok: false, target: `postgres://gcli:***@127.0.0.1:${port}/db` },
        { backend: 'sqlite', ok: true },
      ],
      counts: { geminicli: 0, antigravity: 0, config: 0 },
    });
    expect(run.stdout + run.stderr).not.toContain('hunter2');

    const strict = await runCli(['storage', 'info'], {
      env: {
        POSTGRES_DSN: `postgres://gcli:hunter2@127.0.0.1:${port}/db`,
        STORAGE_FALLBACK: 'false',
      },
    });
    expect(strict.code).toBe(3);
    expect(strict.stderr).toMatch(
      /^gcli2api: No storage backend available \(STORAGE_FALLBACK=false/,
    );
    expect(strict.stderr).not.toContain('hunter2');
  }, 60_000);
});

describeWithServers(['redis'])('gcli2api storage info with a cache tier', () => {
  afterEach(dropStores);

  it('shows the primary and the Valkey cache with the state of each, without passwords', async () => {
    const redis = new URL(serverUrl('redis').url!);
    const prefix = `t:cli-${randomBytes(4).toString('hex')}:`;
    const store = await freshStore('sqlite');
    const env = {
      CREDENTIALS_DIR: resolve(store.location, '..'),
      STORAGE_CACHE: 'valkey',
      REDIS_KEY_PREFIX: prefix,
      // A password the server does not ask for is accepted with a warning: it must not show.
      REDIS_URL: `redis://:hunter2@${redis.host}`,
    };
    try {
      const up = await runCli(['storage', 'info', '--json'], { env });
      expect(up.code).toBe(0);
      expect(resultOf(up).tiers).toEqual({
        primary: {
          backend: 'sqlite',
          role: 'primary',
          target: expect.stringContaining('credentials.db'),
          state: 'up',
          ping_ms: expect.any(Number),
        },
        cache: {
          backend: 'valkey',
          role: 'cache',
          target: `redis://:***@${redis.host}`,
          state: 'up',
          since: expect.any(String),
          ping_ms: expect.any(Number),
        },
      });
      const text = await runCli(['storage', 'info'], { env });
      expect(text.stdout).toMatch(/^primary: sqlite at .*credentials\.db: up, ping [\d.]+ ms$/m);
      expect(text.stdout).toMatch(
        /^cache: valkey at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: up, ping [\d.]+ ms$/m,
      );
      expect(up.stdout + up.stderr + text.stdout + text.stderr).not.toContain('hunter2');
    } finally {
      await dropRedisPrefix(redis.toString(), prefix);
    }

    const port = await freePort();
    const down = await runCli(['storage', 'info'], {
      env: { ...env, REDIS_URL: `redis://gcli:hunter2@127.0.0.1:${port}` },
    });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('backend: sqlite');
    expect(down.stdout).toMatch(
      new RegExp(
        `^cache: valkey at redis://gcli:\\*\\*\\*@127\\.0\\.0\\.1:${port}: down \\(.+\\)$`,
        'm',
      ),
    );
    expect(down.stdout + down.stderr).not.toContain('hunter2');
  }, 60_000);
});
