import { setTimeout as sleep } from 'node:timers/promises';

/** Fake streaming's beat: one at once, then one every 3 s while the upstream call runs. */
export const HEARTBEAT_MS = 3000;

/**
 * Runs `work`, calling `beat` right away and then every `intervalMs` until `work` settles;
 * resolves or rejects as `work` does.
 */
export async function heartbeatWhile<T>(
  beat: () => Promise<void>,
  work: () => Promise<T>,
  intervalMs = HEARTBEAT_MS,
): Promise<T> {
  const done = new AbortController();
  const beating = (async () => {
    try {
      while (!done.signal.aborted) {
        await beat();
        await sleep(intervalMs, undefined, { signal: done.signal });
      }
    } catch {
      // Aborted: the work settled.
    }
  })();
  try {
    return await work();
  } finally {
    done.abort();
    await beating;
  }
}
