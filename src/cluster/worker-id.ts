import cluster from 'node:cluster';
import { BACKEND_KINDS, type BackendKind } from '../storage/storage-backend.interface';

/**
 * This process's worker number under `WORKERS=N` (1 to N), or 1 when the gateway runs as a single
 * process. Work that one process should do for all (the start-up import of dropped files) runs
 * in worker 1 only.
 */
export function workerNumber(): number {
  if (cluster.isPrimary) return 1;
  return Number(process.env.GCLI_WORKER_NUMBER) || 1;
}

/** Where the primary tells a worker which backend the pool's first worker selected. */
const POOL_BACKEND_ENV = 'GCLI_POOL_BACKEND';

/** The message a worker sends the primary once it has selected its storage backend. */
export interface BackendSelectedMessage {
  type: 'gcli:backend-selected';
  kind: BackendKind;
}

/**
 * The backend every worker of the pool must use: the one its first worker selected, so that a
 * worker started later (a replacement, during an outage) never falls back to another store
 * and serves a pool of its own. `undefined` for the first worker and a single process.
 */
export function poolBackend(env: NodeJS.ProcessEnv = process.env): BackendKind | undefined {
  if (cluster.isPrimary) return undefined;
  const kind = env[POOL_BACKEND_ENV];
  return BACKEND_KINDS.includes(kind as BackendKind) ? (kind as BackendKind) : undefined;
}

/** The environment of a worker the primary forks once the pool's backend is known. */
export function poolBackendEnv(kind: BackendKind | undefined): Record<string, string> {
  return kind ? { [POOL_BACKEND_ENV]: kind } : {};
}

/** Tells the primary (when this is a worker) which backend this worker selected. */
export function reportBackend(kind: BackendKind): void {
  if (cluster.isWorker) process.send?.({ type: 'gcli:backend-selected', kind });
}

export function isBackendSelected(message: unknown): message is BackendSelectedMessage {
  const m = message as Partial<BackendSelectedMessage> | null;
  return m?.type === 'gcli:backend-selected' && BACKEND_KINDS.includes(m.kind as BackendKind);
}
