import type { StorageClock } from '../../src/storage/storage-clock';

/**
 * A clock that stands still until a test moves it, so that expiry and cooldown cases need no
 * sleep. It starts at the real time, so stored timestamps stay plausible.
 */
export class FrozenClock implements StorageClock {
  constructor(private ms = Date.now()) {}

  /** Milliseconds since the epoch, as set. */
  now(): number {
    return this.ms;
  }

  /** Moves the time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.ms += ms;
  }
}
