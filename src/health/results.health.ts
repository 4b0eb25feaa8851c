import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ResultRecorder } from '../credentials/rotation/result-recorder.service';

/**
 * Terminus indicator of the call results waiting for storage: `up` when none were kept back,
 * `degraded` while some were (storage was or is unavailable); never `down`. `pending` counts the
 * successes gathered for their next batched write too. Counts only, no names.
 */
@Injectable()
export class ResultsHealthIndicator {
  constructor(
    private readonly recorder: ResultRecorder,
    private readonly health: HealthIndicatorService,
  ) {}

  isHealthy(key: string) {
    const indicator = this.health.check(key);
    const { pending, kept, dropped } = this.recorder.backlog;
    // Successes gathered for their next batched write are routine, not a sign of trouble.
    if (kept === 0) return indicator.up({ pending, dropped });
    const message = `${pending} call results wait for storage to be written`;
    return indicator.degraded({ pending, dropped, message });
  }
}
