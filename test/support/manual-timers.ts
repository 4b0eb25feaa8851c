import type { Timers } from '../../src/common/timers';

/** Timers driven by hand: `fire()` runs what is due, as time passing would. */
export function manualTimers() {
  const pending = new Set<{ run: () => void; ms: number }>();
  const timers: Timers = {
    setTimeout: (run, ms) => {
      const entry = { run, ms };
      pending.add(entry);
      return entry;
    },
    clearTimeout: (handle) => void pending.delete(handle as { run: () => void; ms: number }),
  };
  const fire = () => {
    for (const entry of [...pending]) {
      pending.delete(entry);
      entry.run();
    }
  };
  return { timers, pending, fire };
}
