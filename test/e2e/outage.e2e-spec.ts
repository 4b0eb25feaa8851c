import { ValidatedStorage } from '../../src/storage/validated-storage';
import type { ServerHandle } from '../support/servers';
import { describeWithServers } from '../support/server-env';
import { startRunningGateway, type GatewayProcess } from './support/gateway-process';
import { STORAGE_CASES, waitFor } from './support/storage-cases';

async function timed(url: string, headers: Record<string, string> = {}) {
  const started = Date.now();
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    body: (await response.json()) as any,
    ms: Date.now() - started,
  };
}

/**
 * The storage server goes away while the gateway runs, then comes back. Each case gets servers
 * of its own, with persistence, so the restart keeps what was written before the outage.
 */
describeWithServers(['redis', 'postgres', 'mongodb'])(
  'when the storage server goes away after start-up',
  () => {
    describe.each([...STORAGE_CASES])('$kind', ({ kind, start, env, open }) => {
      let server: ServerHandle;
      let gateway: GatewayProcess;

      beforeAll(async () => {
        server = await start();
        gateway = await startRunningGateway({ ...env(server), STORAGE_FALLBACK: 'false' });
      }, 60_000);

      afterAll(async () => {
        await gateway?.stop();
        await server?.dispose();
      });

      it('answers 503 fast to storage routes while it is away, stays alive, and recovers with nothing lost', async () => {
        const writer = new ValidatedStorage(open(server));
        await writer.connect();
        await writer.upsertCredential('geminicli', 'before-outage.json', { refresh_token: 'r' });
        await writer.setConfig('written_before', true);
        await writer.close();
        // Logging in needs storage, so the session is made before the outage and kept.
        const auth = await gateway.login();
        const storageInfo = () => timed(`${gateway.url}/api/auth/storage-info`, auth);
        expect((await storageInfo()).body.counts).toMatchObject({
          geminicli: 1,
          config: 1,
        });

        await server.stop();

        // The gateway still serves (model calls from memory): degraded, not down.
        const health = await timed(`${gateway.url}/health`);
        expect(health.status).toBe(200);
        expect(health.body.status).toBe('degraded');
        expect(health.body.info.storage).toMatchObject({
          status: 'degraded',
          backend: kind,
          reachable: false,
        });
        const info = await storageInfo();
        expect(info.status).toBe(503);
        expect(info.body.message).toMatch(/^Storage is unavailable: /);
        expect(info.ms).toBeLessThan(5_000);
        expect((await timed(`${gateway.url}/health/live`)).status).toBe(200);

        await server.start();
        const back = Date.now();
        const recovered = await waitFor('storage to answer again', async () => {
          return (await timed(`${gateway.url}/health`)).body.status === 'ok';
        });
        expect(recovered - back).toBeLessThan(10_000);
        const after = await storageInfo();
        expect(after.status).toBe(200);
        expect(after.body.counts).toMatchObject({ geminicli: 1, config: 1 });
        expect(gateway.output()).not.toMatch(/Unhandled|uncaught/i);
      }, 60_000);
    });
  },
);
