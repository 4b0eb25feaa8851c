import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresBackend } from '../../src/storage/backends/postgres.backend';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { describeWithServers } from '../support/server-env';
import { type ServerHandle, startPostgres, startRedis } from '../support/servers';
import type { GatewayProcess } from './support/gateway-process';
import { chatCompletion, processModelFixture } from './support/process-model-gateway';
import { restartKilled as restart, waitFor } from './support/storage-cases';
import { type Sent, WriteLoad } from './support/write-load';

/** How long the load runs before the kill, during the outage, and after recovery (ms). */
const BEFORE_MS = 1_500;
const OUTAGE_MS = 3_000;
const AFTER_MS = 2_000;
/** Settings the write load saves (see write-load.ts), compared between the gateway and primary. */
const SETTINGS = ['calls_per_rotation', 'retry_429_max_retries', 'anti_truncation_max_attempts'];

interface Call {
  startedAt: number;
  status: number;
}

const ok = (status: number) => status >= 200 && status < 300;
const show = (s: Sent) => `${s.kind} by client ${s.client}: ${s.status} ${s.error ?? ''}`.trim();

/** Model calls from `clients` clients at once until stopped, each answer kept. */
function modelLoad(url: string, clients: number) {
  const calls: Call[] = [];
  let stopped = false;
  const one = async () => {
    while (!stopped) {
      const startedAt = Date.now();
      const status = await chatCompletion(url).then(
        async (r) => (await r.text(), r.status),
        () => 0,
      );
      calls.push({ startedAt, status });
      await sleep(25);
    }
  };
  const running = Promise.all(Array.from({ length: clients }, one));
  return {
    calls,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

async function storageHealth(url: string) {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as {
    status: string;
    info?: { storage?: { status?: string; reachable?: boolean; cache?: { state?: string } } };
  };
  return body.info?.storage ?? {};
}

/**
 * PostgreSQL with a Valkey cache in front (STORAGE_CACHE=valkey), each server killed with
 * SIGKILL in turn while sixteen admin clients write and four clients make model calls through
 * the built gateway. Both servers keep their data across the restart, so a copy cached before
 * the kill is still in Valkey after it: it must not be served.
 */
describeWithServers(['redis', 'postgres'])('tiered storage when a server is killed', () => {
  let postgres: ServerHandle;
  let valkey: ServerHandle;
  let fixture: Awaited<ReturnType<typeof processModelFixture>>;
  let gateway: GatewayProcess;

  beforeEach(async () => {
    [postgres, valkey, fixture] = await Promise.all([
      startPostgres({ durable: true }),
      startRedis({ persistent: true }),
      processModelFixture(),
    ]);
    gateway = await fixture.start({
      POSTGRES_DSN: postgres.url,
      REDIS_URL: valkey.url,
      STORAGE_CACHE: 'valkey',
      STORAGE_CACHE_TIMEOUT_MS: '300',
      STORAGE_FALLBACK: 'false',
      STORAGE_CONNECT_TIMEOUT_MS: '2000',
    });
  }, 90_000);

  afterEach(async () => {
    await gateway?.stop();
    await Promise.all([postgres?.dispose(), valkey?.dispose(), fixture?.close()]);
  });

  /** Starts the admin and model load, then kills `server` (SIGKILL) once it runs. */
  async function loadThenKill(server: ServerHandle) {
    const load = new WriteLoad(gateway.url, await gateway.login());
    await load.prepare();
    load.start();
    const models = modelLoad(gateway.url, 4);
    await sleep(BEFORE_MS);
    const killedAt = Date.now();
    await server.kill();
    return { load, models, killedAt };
  }

  /** Both tiers as `GET /api/auth/storage-info` shows them. */
  async function tiers() {
    const auth = await gateway.login();
    const response = await fetch(`${gateway.url}/api/auth/storage-info`, { headers: auth });
    return ((await response.json()) as { tiers?: unknown }).tiers;
  }

  /** What the primary holds that the load acknowledged and must not have lost. */
  async function lostWrites(load: WriteLoad): Promise<string[]> {
    const reader = new ValidatedStorage(new PostgresBackend({ dsn: postgres.url }));
    await reader.connect();
    try {
      const lost = await load.lost(reader);
      // What the gateway shows (through the cache) is what the primary holds.
      const auth = await gateway.login();
      const view = (await (await fetch(`${gateway.url}/config/get`, { headers: auth })).json()) as {
        config: Record<string, unknown>;
      };
      for (const key of SETTINGS) {
        const stored = await reader.getConfig(key);
        if (stored !== undefined && view.config[key] !== stored) {
          lost.push(
            `${key}: the gateway shows ${String(view.config[key])}, stored ${String(stored)}`,
          );
        }
      }
      return lost;
    } finally {
      await reader.close();
    }
  }

  it('keeps serving from PostgreSQL when Valkey is killed, says degraded, and serves no stale copy after', async () => {
    const { load, models, killedAt } = await loadThenKill(valkey);
    const noticedAt = await waitFor(
      'health to say the cache is down',
      async () => (await storageHealth(gateway.url)).cache?.state === 'down',
    );
    const degraded = await storageHealth(gateway.url);
    expect(degraded).toMatchObject({ status: 'degraded', reachable: true });
    expect(await tiers()).toMatchObject({
      primary: { backend: 'postgresql', state: 'up' },
      cache: { backend: 'valkey', state: 'down', reason: expect.any(String) },
    });
    await sleep(OUTAGE_MS);

    await restart(valkey);
    const recoveredAt = await waitFor('the cache to serve again', async () => {
      const storage = await storageHealth(gateway.url);
      return storage.status === 'up' && storage.cache?.state === 'up';
    });
    expect(await tiers()).toMatchObject({ cache: { state: 'up', ping_ms: expect.any(Number) } });
    await sleep(AFTER_MS);
    await Promise.all([load.stop(), models.stop()]);

    expect(gateway.output()).not.toMatch(/Unhandled|uncaught|ERR_UNHANDLED/i);
    // Nothing fails, not even while the loss is being noticed: the primary answers at once.
    expect(load.sent.filter((s) => !ok(s.status)).map(show)).toEqual([]);
    expect(models.calls.filter((c) => !ok(c.status))).toEqual([]);
    const during = load.sent.filter((s) => s.startedAt > killedAt && s.startedAt < recoveredAt);
    expect(during.length).toBeGreaterThan(16);
    expect(models.calls.filter((c) => c.startedAt > killedAt).length).toBeGreaterThan(4);
    expect(await lostWrites(load)).toEqual([]);
    if (process.env.TEST_LOGS === '1') {
      console.log(
        `${load.sent.length} admin writes, ${models.calls.length} model calls, none failed; ` +
          `down noticed ${noticedAt - killedAt} ms after the kill, serving again ${recoveredAt - killedAt} ms after it`,
      );
    }
  }, 120_000);

  it('answers writes with 503 while PostgreSQL is killed, keeps model calls going, and loses nothing', async () => {
    const { load, models, killedAt } = await loadThenKill(postgres);
    await sleep(OUTAGE_MS);
    expect(await storageHealth(gateway.url)).toMatchObject({
      status: 'degraded',
      reachable: false,
    });
    const restartedAt = Date.now();
    await restart(postgres);
    const recoveredAt = await waitFor(
      'storage to be up again',
      async () => (await storageHealth(gateway.url)).status === 'up',
      30_000,
    );
    await sleep(AFTER_MS);
    await Promise.all([load.stop(), models.stop()]);

    expect(gateway.running()).toBe(true);
    expect(load.sent.filter((s) => !ok(s.status) && s.status !== 503).map(show)).toEqual([]);
    const during = load.sent.filter(
      (s) => s.startedAt > killedAt + 500 && s.startedAt < restartedAt,
    );
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((s) => ok(s.status)).map(show)).toEqual([]);
    const after = load.sent.filter((s) => s.startedAt > recoveredAt);
    expect(after.length).toBeGreaterThan(16);
    expect(after.filter((s) => !ok(s.status)).map(show)).toEqual([]);
    // Model calls go on with what is in memory or cached; one that needs a credential nothing
    // has read yet (one the load just imported) may answer 503 meanwhile, never anything else.
    expect(models.calls.filter((c) => !ok(c.status) && c.status !== 503)).toEqual([]);
    expect(models.calls.filter((c) => c.startedAt > recoveredAt && !ok(c.status))).toEqual([]);
    expect(await lostWrites(load)).toEqual([]);
  }, 120_000);
});
