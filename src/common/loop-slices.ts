import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long a long loop may hold the event loop before it lets other work run. */
export const SLICE_MS = 10;

/**
 * Cuts a long synchronous loop (an import of 100,000 files) into slices of about `sliceMs`:
 * between them the event loop runs, so the requests arriving meanwhile (model calls, health
 * checks) are answered within a slice instead of after the whole loop.
 *
 * Use: `if (slices.due()) await slices.next();` once per item.
 */
export class LoopSlices {
  private started: number;

  /** `now` reads a monotonic clock in milliseconds (tests pass their own). */
  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  /** Whether this slice has run its time. */
  due(): boolean {
    return this.now() - this.started >= this.sliceMs;
  }

  /** Lets the event loop run (timers, I/O), then starts the next slice. */
  async next(): Promise<void> {
    await nextTurn();
    this.started = this.now();
  }
}
