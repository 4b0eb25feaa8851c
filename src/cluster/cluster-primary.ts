import cluster, { type Worker } from 'node:cluster';
import type { LoggerService } from '@nestjs/common';
import type { BackendKind } from '../storage/storage-backend.interface';
import { isBackendSelected, poolBackendEnv } from './worker-id';

/** A worker that exits within this long of its start counts as a failed start. */
const START_GRACE_MS = 30_000;

/** How the primary runs its workers. */
export interface WorkerPoolOptions {
  /** Worker processes to keep running (each serves the same port through node:cluster). */
  count: number;
  /** On SIGTERM/SIGINT, how long workers get to finish in-flight calls before SIGKILL (ms). */
  stopTimeoutMs: number;
  logger: LoggerService;
}

/**
 * The primary process under `WORKERS=N`: forks N copies of the gateway that share its port
 * (node:cluster hands connections to them in turn), the others once the first has selected its
 * storage backend and on that backend (see poolBackend), replaces a worker that dies once it has
 * served, and stops everything when a worker cannot start at all (a bad setting or an unreachable
 * backend would otherwise make it respawn forever). SIGTERM and SIGINT are passed to every worker,
 * which drains and closes its storage; the primary exits when the last one has.
 */
export function runWorkerPool({ count, stopTimeoutMs, logger }: WorkerPoolOptions): void {
  const context = 'Cluster';
  let stopping = false;
  const started = new Map<Worker, { number: number; listening: boolean; at: number }>();
  /** The backend the first worker selected, which every other worker then uses. */
  let backend: BackendKind | undefined;

  const fork = (number: number) => {
    const env = { GCLI_WORKER_NUMBER: String(number), ...poolBackendEnv(backend) };
    const worker = cluster.fork(env);
    started.set(worker, { number, listening: false, at: Date.now() });
    worker.once('listening', () => {
      const entry = started.get(worker);
      if (entry) entry.listening = true;
    });
    worker.on('message', (message: unknown) => {
      // Not while stopping: a worker forked now would never be told to stop.
      if (stopping || backend || !isBackendSelected(message)) return;
      // One store for the whole pool: a worker that fell back alone would serve another one.
      backend = message.kind;
      logger.log(
        `Worker ${number} uses the ${backend} backend; starting the others on it`,
        context,
      );
      for (let other = 2; other <= count; other++) fork(other);
    });
  };

  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const worker of started.keys()) worker.process.kill('SIGTERM');
    const deadline = setTimeout(() => {
      for (const worker of started.keys()) worker.process.kill('SIGKILL');
    }, stopTimeoutMs);
    deadline.unref();
    const done = () => {
      if (started.size > 0) return;
      clearTimeout(deadline);
      process.exit(code);
    };
    cluster.on('exit', done);
    done();
  };

  cluster.on('exit', (worker, exitCode, signal) => {
    const entry = started.get(worker);
    started.delete(worker);
    if (stopping || !entry) return;
    const how = signal ? `signal ${signal}` : `code ${exitCode}`;
    if (!entry.listening && Date.now() - entry.at < START_GRACE_MS) {
      logger.error(`Worker ${entry.number} could not start (${how}); stopping`, undefined, context);
      return stopAll(1);
    }
    logger.error(`Worker ${entry.number} died (${how}); starting a new one`, undefined, context);
    fork(entry.number);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      logger.log(`${signal}: stopping ${started.size} worker(s)`, context);
      stopAll(0);
    });
  }
  logger.log(`Starting ${count} worker processes`, context);
  fork(1);
}
