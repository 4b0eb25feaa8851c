import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { readFileSync } from 'node:fs';
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
