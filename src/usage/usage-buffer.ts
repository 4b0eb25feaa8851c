import type { Namespace, UsageIncrement } from '../storage/storage-backend.interface';
import type { TokenUsage } from '../observability/request-context';
import { storableKey } from '../storage/storage-validation';

/** The UTC day of `date`, `YYYY-MM-DD`. */
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

const DAY_MS = 86_400_000;

/**
 * Usage counts gathered in memory between two flushes, summed per counter: a burst of calls
 * becomes one increment per credential, model and metric. What it holds when the process dies
 * is lost (at most one flush interval of counts).
 */
/** The counters of one credential and model on one day, by metric. */
interface Counters {
  day: string;
  ns: Namespace;
  credential: string;
  model: string;
  by: Map<string, number>;
}

export class UsageBuffer {
  /**
   * By day, namespace, credential and model: one key and one lookup per call, however many
   * counters it moves (a call moves up to five).
   */
  private pending = new Map<string, Counters>();
  /** The current day and the unix milliseconds at which it ends: a day string per call is costly. */
  private day = '';
  private dayEnds = 0;

  /** `nowMs`: the clock, unix milliseconds. */
  constructor(private readonly nowMs: () => number = Date.now) {}

  /** One upstream attempt: a request, and a success or a failure with its status. */
  attempt(ns: Namespace, credential: string, model: string, outcome: 'success' | number): void {
    const counters = this.counters(this.today(), ns, credential, model);
    add(counters, 'requests', 1);
    add(counters, outcome === 'success' ? 'successes' : `failures:${outcome}`, 1);
  }

  /** The tokens of a call's answer, for the credential that served it. */
  tokens(ns: Namespace, credential: string, model: string, tokens: TokenUsage): void {
    const counters = this.counters(this.today(), ns, credential, model);
    add(counters, 'input_tokens', tokens.input);
    add(counters, 'output_tokens', tokens.output);
    add(counters, 'thinking_tokens', tokens.thinking);
  }

  /** Takes everything gathered so far, leaving the buffer empty. */
  drain(): UsageIncrement[] {
    const taken: UsageIncrement[] = [];
    for (const { day, ns, credential, model, by } of this.pending.values()) {
      for (const [metric, count] of by)
        taken.push({ day, ns, credential, model, metric, by: count });
    }
    this.pending = new Map();
    return taken;
  }

  /** Puts back increments a flush could not write, so they go with the next one. */
  restore(increments: readonly UsageIncrement[]): void {
    for (const i of increments)
      add(this.counters(i.day, i.ns, i.credential, i.model), i.metric, i.by);
  }

  private today(): string {
    const now = this.nowMs();
    if (now >= this.dayEnds || now < this.dayEnds - DAY_MS) {
      this.day = utcDay(new Date(now));
      this.dayEnds = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    }
    return this.day;
  }

  private counters(day: string, ns: Namespace, credential: string, asked: string): Counters {
    // The model is the client's: one storage would refuse must not hold up the whole flush.
    const model = storableKey(asked);
    // Names cannot hold NUL (storage refuses it), so it separates the parts of the key.
    const key = `${day}\0${ns}\0${credential}\0${model}`;
    let counters = this.pending.get(key);
    if (!counters)
      this.pending.set(key, (counters = { day, ns, credential, model, by: new Map() }));
    return counters;
  }
}

function add(counters: Counters, metric: string, by: number): void {
  if (!(by > 0)) return;
  counters.by.set(metric, (counters.by.get(metric) ?? 0) + by);
}
