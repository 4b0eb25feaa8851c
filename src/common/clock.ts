import { Injectable } from '@nestjs/common';

/**
 * Where services read the time, so that tests can move it instead of sleeping
 * (`Test.createTestingModule(...).overrideProvider(Clock).useValue(frozen)`).
 */
@Injectable()
export class Clock {
  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now();
  }
}
