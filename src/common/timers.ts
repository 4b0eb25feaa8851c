import { Injectable } from '@nestjs/common';

/**
 * Where services schedule work for later, so that tests can fire it by hand instead of sleeping
 * (`new Service(..., manualTimers)` or `overrideProvider(Timers)`). The handle is opaque: only
 * the same Timers can clear it.
 */
@Injectable()
export class Timers {
  /** Runs `run` once after `ms` milliseconds; returns a handle for clearTimeout. */
  setTimeout(run: () => void, ms: number): unknown {
    return setTimeout(run, ms);
  }

  /** Cancels a run set by setTimeout; a handle that already ran or was cleared is ignored. */
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
}
