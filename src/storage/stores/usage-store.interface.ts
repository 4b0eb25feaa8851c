import type { UsageCounter, UsageFilter, UsageIncrement } from './usage.types';

/** Per-day usage counters of each credential and model. */
export interface UsageStore {
  /**
   * Adds every increment atomically in the database (one transaction or pipeline per call). A
   * backend that cannot (MongoDB without a replica set writes one document at a time) throws
   * UsageWriteError naming the increments that were not written and may be tried again.
   */
  incrementUsage(increments: readonly UsageIncrement[]): Promise<void>;
  /** The usage counters matching `filter`, ordered by day, namespace, credential, model, metric. */
  listUsage(filter?: UsageFilter): Promise<UsageCounter[]>;
  /** Deletes the usage counters matching `filter`. */
  deleteUsage(filter?: UsageFilter): Promise<void>;
}
