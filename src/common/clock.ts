import { Injectable } from '@nestjs/common';

/** The time, injectable so tests can move it instead of waiting. */
@Injectable()
export class Clock {
  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now();
  }
}
