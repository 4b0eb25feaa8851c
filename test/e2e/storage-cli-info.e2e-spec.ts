import { resolve } from 'node:path';
import { describeWithServers } from '../support/server-env';
import { freePort } from '../support/servers';
import { startGateway } from './support/gateway-process';
import { dropStores, freshStore, resultOf, runCli, seed } from './support/cli-stores';

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
