/**
 * A real local Valkey/Redis Cluster for the storage tests: three `redis-server --cluster-enabled
 * yes` masters on spare ports (no persistence, no replicas), joined by `redis-cli --cluster
 * create`. Its `url` is the gateway's cluster form: `redis+cluster://127.0.0.1:P1?addr=...`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, startRedis, type ServerHandle } from './servers';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const MASTERS = 3;
const READY_TIMEOUT_MS = 20_000;

/** Starts the masters, creates the cluster and waits until every node says it is `ok`. */
export async function startRedisCluster(): Promise<ServerHandle> {
  const nodes: ServerHandle[] = [];
  try {
    for (let i = 0; i < MASTERS; i++) {
      // The bus port is chosen too: the default (port + 10000) may be taken or beyond 65535.
      const busPort = await freePort();
      const extraArgs = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'];
      extraArgs.push('--cluster-port', String(busPort), '--cluster-node-timeout', '5000');
      nodes.push(await startRedis({ extraArgs }));
    }
    const addresses = nodes.map((node) => `${HOST}:${node.port}`);
    await run(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: READY_TIMEOUT_MS },
    );
    await untilClusterOk(nodes);
  } catch (error) {
    await Promise.allSettled(nodes.map((node) => node.dispose()));
    throw new Error(`redis cluster failed to start: ${(error as Error).message}`);
  }
  const [first, ...rest] = nodes;
  const seeds = rest.map((node) => `addr=${HOST}:${node.port}`).join('&');
  const each = (op: (node: ServerHandle) => Promise<void>) => async () => {
    await Promise.all(nodes.map(op));
  };
  return {
    name: 'redis-cluster',
    url: `redis+cluster://${HOST}:${first.port}?${seeds}`,
    port: first.port,
    dataDir: first.dataDir,
    isRunning: () => nodes.every((node) => node.isRunning()),
    start: async () => {
      await each((node) => node.start())();
      await untilClusterOk(nodes);
    },
    stop: each((node) => node.stop()),
    kill: each((node) => node.kill()),
    dispose: each((node) => node.dispose()),
  };
}

/** Polls `CLUSTER INFO` on every node until all see every slot served. */
async function untilClusterOk(nodes: readonly ServerHandle[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const states = await Promise.all(
      nodes.map(async (node) => {
        const args = ['-h', HOST, '-p', String(node.port), 'cluster', 'info'];
        const { stdout } = await run('redis-cli', args).catch(() => ({ stdout: '' }));
        return /cluster_state:ok/.test(stdout);
      }),
    );
    if (states.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`not ok after ${READY_TIMEOUT_MS} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
