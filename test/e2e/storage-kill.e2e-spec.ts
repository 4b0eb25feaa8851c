import { setTimeout as sleep } from 'node:timers/promises';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { describeWithServers } from '../support/server-env';
import type { ServerHandle } from '../support/servers';
import { startRunningGateway, type GatewayProcess } from './support/gateway-process';
import { restartKilled as restart, STORAGE_CASES, waitFor } from './support/storage-cases';
import { type Sent, WriteLoad } from './support/write-load';

/** How long the load runs before the kill, during the outage, and after recovery (ms). */
const BEFORE_MS = 1_500;
const OUTAGE_MS = 3_000;
const AFTER_MS = 2_000;

const ok = (s: Sent) => s.status >= 200 && s.status < 300;
const show = (s: Sent) => `${s.kind} by client ${s.client}: ${s.status} ${s.error ?? ''}`.trim();

async function storageIsUp(url: string): Promise<boolean> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { info?: { storage?: { status?: string } } };
  return response.status === 200 && body.info?.storage?.status === 'up';
}

/**
 * The storage server is killed (SIGKILL, as a crash or the OOM killer would) while sixteen admin
 * clients write through the built gateway, then started again. Each case has servers of its own
 * that keep their data across the restart.
 */
describeWithServers(['redis', 'postgres', 'mongodb'])(
  'when the storage server is killed under write load',
  () => {
    describe.each([...STORAGE_CASES])('$kind', ({ start, env, open }) => {
      let server: ServerHandle;
      let gateway: GatewayProcess;

      beforeAll(async () => {
        server = await start();
        gateway = await startRunningGateway({
          ...env(server),
          STORAGE_FALLBACK: 'false',
          STORAGE_CONNECT_TIMEOUT_MS: '2000',
        });
      }, 60_000);

      afterAll(async () => {
        await gateway?.stop();
        await server?.dispose();
      });

      it('stays alive, answers 503 while it is away, recovers, and loses no acknowledged write', async () => {
        const load = new WriteLoad(gateway.url, await gateway.login());
        await load.prepare();
        load.start();
        await sleep(BEFORE_MS);
        const killedAt = Date.now();
        await server.kill();
        await sleep(OUTAGE_MS);
        if (!gateway.running())
          throw new Error(`the gateway died:\n${gateway.output().slice(-3000)}`);
        expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);

        const restartedAt = Date.now();
        await restart(server);
        const recoveredAt = await waitFor('storage to be up again', () => storageIsUp(gateway.url));
        await sleep(AFTER_MS);
        await load.stop();

        expect(gateway.running()).toBe(true);
        expect(gateway.output()).not.toMatch(/Unhandled|uncaught|ERR_UNHANDLED/i);
        // Every answer is a success or a 503: no 500, no hang, no dropped connection.
        expect(load.sent.filter((s) => !ok(s) && s.status !== 503).map(show)).toEqual([]);
        // Requests sent while the server was surely gone were all refused with 503.
        const during = load.sent.filter(
          (s) => s.startedAt > killedAt + 500 && s.startedAt < restartedAt,
        );
        expect(during.length).toBeGreaterThan(0);
        expect(during.filter(ok).map(show)).toEqual([]);
        // Requests sent once /health said storage is up again all succeeded.
        const after = load.sent.filter((s) => s.startedAt > recoveredAt);
        expect(after.length).toBeGreaterThan(16);
        expect(after.filter((s) => !ok(s)).map(show)).toEqual([]);

        const reader = new ValidatedStorage(open(server));
        await reader.connect();
        try {
          expect(await load.lost(reader)).toEqual([]);
        } finally {
          await reader.close();
        }
        if (process.env.TEST_LOGS === '1') {
          const acked = load.sent.filter(ok).length;
          const refused = load.sent.filter((s) => s.status === 503).length;
          const seconds = ((recoveredAt - killedAt) / 1000).toFixed(1);
          const slowest = Math.max(...during.map((s) => s.ms));
          console.log(
            `${load.sent.length} requests, ${acked} acknowledged, ${refused} answered 503 (slowest ${slowest} ms); ` +
              `storage back ${((recoveredAt - restartedAt) / 1000).toFixed(1)} s after restart, ${seconds} s after the kill`,
          );
        }
      }, 90_000);
    });
  },
);
