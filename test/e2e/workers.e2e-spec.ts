import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { describeWithServers, serverUrl } from '../support/server-env';
import { gatewayNodeFlags } from '../support/launch-flags';
import { freePort, startGateway, startRunningGateway } from './support/gateway-process';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The process ids of `pid`'s children (the workers of a primary). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** The command line of a process, as its arguments. */
const commandLine = (pid: number) =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, what: string, limitMs = 20_000) {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${limitMs} ms`);
    await sleep(50);
  }
}

/** Status of a GET on a new connection (a pooled one may still point at a killed worker). */
const freshGet = (url: string) =>
  new Promise<number>((resolve, reject) => {
    get(url, { agent: false, timeout: 5_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('timeout', () => reject(new Error(`GET ${url} timed out`)))
      .on('error', reject);
  });

const listening = (output: string) => output.match(/listening on http/g)?.length ?? 0;

/** A TCP relay to a server that can be closed (cutting every connection) and opened again. */
async function tcpProxy(targetPort: number, targetHost: string) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const open = () =>
    new Promise<void>((done) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', done);
    });
  const close = () =>
    new Promise<void>((done) => {
      for (const socket of sockets) socket.destroy();
      if (!server?.listening) return done();
      server.close(() => done());
    });
  await open();
  return { port, open, close };
}

describe('WORKERS=N: several gateway processes on one port', () => {
  it('serves from every worker, replaces one that dies, and drains them all on SIGTERM', async () => {
    const gateway = await startRunningGateway({ WORKERS: '2' });
    try {
      await until(() => listening(gateway.output()) === 2, 'two workers listening');
      const workers = childrenOf(gateway.pid);
      expect(workers).toHaveLength(2);
      // Every worker runs with the Node flags the gateway was started with (npm start's).
      for (const worker of workers) {
        expect(commandLine(worker)).toEqual(expect.arrayContaining(gatewayNodeFlags()));
      }

      // A session started through one worker is good on the other (sessions live in storage).
      const auth = await gateway.login();
      for (let i = 0; i < 6; i++) {
        const response = await fetch(`${gateway.url}/config/get`, { headers: auth });
        expect(response.status).toBe(200);
      }

      process.kill(workers[0], 'SIGKILL');
      // Once the primary has seen the death, every new connection goes to a live worker.
      await until(
        () => /Worker \d died \(signal SIGKILL\); starting a new one/.test(gateway.output()),
        'the death noticed',
      );
      for (let i = 0; i < 10; i++) {
        expect(await freshGet(`${gateway.url}/health/live`)).toBe(200);
      }
      await until(() => listening(gateway.output()) === 3, 'a replacement worker listening');
      const now = childrenOf(gateway.pid);
      expect(now).toHaveLength(2);
      expect(now).not.toContain(workers[0]);

      process.kill(gateway.pid, 'SIGTERM');
      await until(() => !alive(gateway.pid), 'the primary gone');
      expect(now.filter(alive)).toEqual([]);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  describeWithServers(['redis'])('with a server backend', () => {
    it('starts a replacement on the pool’s backend during its outage, never on a fallback', async () => {
      const redis = new URL(serverUrl('redis').url!);
      const proxy = await tcpProxy(Number(redis.port), redis.hostname);
      const gateway = await startRunningGateway({
        WORKERS: '2',
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        REDIS_KEY_PREFIX: `workers:${Date.now()}:`,
        STORAGE_CONNECT_TIMEOUT_MS: '500',
      });
      const using = () =>
        gateway.output().match(/Using Valkey\/Redis storage backend/g)?.length ?? 0;
      try {
        await until(() => listening(gateway.output()) === 2, 'two workers listening');
        expect(gateway.output()).toMatch(/Worker 1 uses the valkey backend; starting the others/);
        expect(using()).toBe(2);

        await proxy.close();
        process.kill(childrenOf(gateway.pid)[0], 'SIGKILL');
        await until(() => /starting a new one/.test(gateway.output()), 'the death noticed');
        // Alone, the replacement would fall back to SQLite at once (no start-up retry here).
        await until(() => /retrying until it is/.test(gateway.output()), 'the replacement waiting');
        await sleep(1_500);
        expect(gateway.output()).not.toMatch(/Using SQLite/);
        expect(listening(gateway.output())).toBe(2);

        await proxy.open();
        await until(() => listening(gateway.output()) === 3, 'the replacement listening');
        expect(using()).toBe(3);
      } finally {
        await gateway.stop();
        await proxy.close();
      }
    }, 60_000);
  });

  it('stops instead of respawning when a worker cannot start', async () => {
    const closed = await freePort();
    const result = await startGateway({
      WORKERS: '2',
      REDIS_URL: `redis://127.0.0.1:${closed}`,
      STORAGE_FALLBACK: 'false',
      STORAGE_CONNECT_TIMEOUT_MS: '500',
    });
    expect(result.gateway).toBeUndefined();
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/Worker \d could not start .*; stopping/);
    expect(result.output).not.toMatch(/starting a new one/);
  }, 30_000);
});
