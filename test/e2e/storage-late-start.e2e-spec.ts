import { freePort, startRedis, type ServerHandle } from '../support/servers';
import { describeWithServers } from '../support/server-env';
import { startGateway } from './support/gateway-process';

/**
 * A preferred server that comes up a little after the gateway (a compose file starting both at
 * once, a database restarting) is used, not fallen back from: the gateway retries it for
 * STORAGE_STARTUP_RETRY_MS before trying the next backend.
 */
describeWithServers(['redis'])('a preferred backend that starts late', () => {
  let redis: ServerHandle | undefined;
  afterEach(async () => {
    await redis?.dispose();
    redis = undefined;
  });

  it('uses a Redis started 2 s after the gateway, without falling back', async () => {
    const port = await freePort();
    let retrying!: () => void;
    const seenRetrying = new Promise<void>((done) => (retrying = done));
    const starting = startGateway(
      {
        REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_KEY_PREFIX: `late:${Date.now()}:`,
        STORAGE_STARTUP_RETRY_MS: '20000',
        STORAGE_CONNECT_TIMEOUT_MS: '1000',
      },
      60_000,
      (output) => /not reachable yet/.test(output) && retrying(),
    );
    // The gateway is retrying: the server comes up 2 s later.
    await seenRetrying;
    await new Promise((done) => setTimeout(done, 2_000));
    redis = await startRedis({ port });
    const { gateway, output } = await starting;
    expect(gateway).toBeDefined();
    try {
      expect(output).toMatch(/Valkey\/Redis is not reachable yet .*; retrying for up to 20 s/);
      expect(output).toMatch(/Using Valkey\/Redis storage backend/);
      expect(output).not.toMatch(/Falling back/);
      const info = await fetch(`${gateway!.url}/api/auth/storage-info`, {
        headers: await gateway!.login(),
      });
      expect(await info.json()).toMatchObject({ backend: 'valkey', degraded: false });
    } finally {
      await gateway!.stop();
    }
  });

  it('falls back once the retry window has passed', async () => {
    const port = await freePort();
    const started = Date.now();
    const { gateway, output } = await startGateway({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      STORAGE_STARTUP_RETRY_MS: '1500',
      STORAGE_CONNECT_TIMEOUT_MS: '1000',
    });
    try {
      expect(gateway).toBeDefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(output).toMatch(/Failed to initialize Valkey\/Redis backend/);
      expect(output).toMatch(/Falling back to other backends\.\.\./);
      expect(output).toMatch(/Using SQLite storage backend/);
    } finally {
      await gateway?.stop();
    }
  });
});
