import type { Namespace } from './credential.types';

/** One usage counter: a credential's count of `metric` for `model` on `day`. */
export interface UsageCounterKey {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  ns: Namespace;
  credential: string;
  model: string;
  /** `requests`, `successes`, `input_tokens`, `output_tokens`, `thinking_tokens` or `failures:<status>`. */
  metric: string;
}

/** Adds `by` (a positive whole number) to one usage counter, creating it at 0 when missing. */
export interface UsageIncrement extends UsageCounterKey {
  by: number;
}

/** A usage counter and its value. */
export interface UsageCounter extends UsageCounterKey {
  value: number;
}

/** Which usage counters a query or a deletion covers; every field narrows, none means all. */
export interface UsageFilter {
  ns?: Namespace;
  credential?: string;
  model?: string;
  /** First day included, `YYYY-MM-DD`. */
  from?: string;
  /** Last day included, `YYYY-MM-DD`. */
  to?: string;
}
