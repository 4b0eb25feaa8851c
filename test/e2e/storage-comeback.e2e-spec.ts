import { describeWithServers } from '../support/server-env';
import { freePort, startRedis, type ServerHandle } from '../support/servers';
import { startRunningGateway, type GatewayProcess } from './support/gateway-process';

interface StorageHealth {
  backend: string;
  requested?: string;
  requestedReachable?: boolean | null;
  requestedCheckedAt?: string | null;
  advice?: string;
}

/** Polls `/health` until `done` holds for its storage details (at most 30 s). */
async function healthUntil(gateway: GatewayProcess, done: (storage: StorageHealth) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = (await (await fetch(`${gateway.url}/health`)).json()) as {
      status: string;
      info: { storage: StorageHealth };
    };
    if (done(body.info.storage)) return body;
    if (Date.now() > deadline) throw new Error(`health never got there: ${JSON.stringify(body)}`);
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

/**
 * A gateway that fell back at start-up keeps checking the backend it was asked for and, when
 * that one answers again, says so (health, storage-info, one WARN) with what a restart would
 * change, without switching by itself: the writes made meanwhile are only in the fallback.
 */
describeWithServers(['redis'])('a requested backend that comes back', () => {
  let redis: ServerHandle | undefined;
  let gateway: GatewayProcess | undefined;
  afterEach(async () => {
    await gateway?.stop();
    await redis?.dispose();
    gateway = redis = undefined;
  });

  it('reports a Redis that answers after the fall-back, once, without switching to it', async () => {
    const port = await freePort();
    gateway = await startRunningGateway({
      // The password must never show; a Redis without one accepts any for the default user.
      REDIS_URL: `redis://default:hunter2@127.0.0.1:${port}`,
      REDIS_KEY_PREFIX: `comeback:${Date.now()}:`,
      STORAGE_CONNECT_TIMEOUT_MS: '1000',
      STORAGE_RECHECK_MS: '1000',
    });
    const down = await healthUntil(gateway, (s) => s.requestedReachable === false);
    expect(down.status).toBe('degraded');
    expect(down.info.storage).toMatchObject({ backend: 'sqlite', requested: 'valkey' });
    expect(down.info.storage.advice).toMatch(/still unreachable/);

    redis = await startRedis({ port });
    const up = await healthUntil(gateway, (s) => s.requestedReachable === true);
    const where = `Valkey/Redis at redis://default:***@127.0.0.1:${port}`;
    expect(up.status).toBe('degraded');
    expect(up.info.storage.backend).toBe('sqlite');
    expect(up.info.storage.advice).toMatch(
      new RegExp(
        `^${where.replace(/[/*.]/g, '\\$&')} is reachable again; restart the gateway to use it\\. ` +
          'Writes made since start-up are in SQLite .* copy them first with `gcli2api storage migrate --from ',
      ),
    );

    const info = await fetch(`${gateway.url}/api/auth/storage-info`, {
      headers: await gateway.login(),
    });
    const body = (await info.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      backend: 'sqlite',
      requested: 'valkey',
      degraded: true,
      requested_status: {
        backend: 'valkey',
        reachable: true,
        advice: up.info.storage.advice,
      },
    });

    // Two more checks find it still there: nothing more is logged.
    const seen = up.info.storage.requestedCheckedAt;
    await healthUntil(gateway, (s) => s.requestedCheckedAt !== seen);
    const later = await healthUntil(gateway, (s) => s.requestedCheckedAt !== seen);
    await healthUntil(
      gateway,
      (s) => s.requestedCheckedAt !== later.info.storage.requestedCheckedAt,
    );
    const output = gateway.output();
    expect(output.match(/WARN.*is reachable again; restart the gateway to use it/g)).toHaveLength(
      1,
    );
    expect(`${output}${JSON.stringify(body)}${JSON.stringify(up)}`).not.toMatch(/hunter2/);
  });
});
