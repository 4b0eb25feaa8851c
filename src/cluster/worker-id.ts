import cluster from 'node:cluster';

/**
 * This process's worker number under `WORKERS=N` (1 to N), or 1 when the gateway runs as a single
 * process. Work that one process should do for all (the start-up import of dropped files) runs
 * in worker 1 only.
 */
export function workerNumber(): number {
  if (cluster.isPrimary) return 1;
  return Number(process.env.GCLI_WORKER_NUMBER) || 1;
}
