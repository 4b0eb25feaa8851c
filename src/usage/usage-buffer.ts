import type { Namespace, UsageIncrement } from '../storage/storage-backend.interface';
import type { TokenUsage } from '../observability/request-context';

/** The UTC day of `date`, `YYYY-MM-DD`. */
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

const DAY_MS = 86_400_000;

/**
 * Usage counts gathered in memory between two flushes, summed per counter: a burst of calls
 * becomes one increment per credential, model and metric. What it holds when the process dies
 * is lost (at most one flush interval of counts).
 */
export class UsageBuffer {
  private pending = new Map<string, UsageIncrement>();
  /** The current day and the unix milliseconds at which it ends: a day string per call is costly. */
  private day = '';
  private dayEnds = 0;

  /** `nowMs`: the clock, unix milliseconds. */
  constructor(private readonly nowMs: () => number = Date.now) {}

  /** One upstream attempt: a request, and a success or a failure with its status. */
  attempt(ns: Namespace, credential: string, model: string, outcome: 'success' | number): void {
    const day = this.today();
    this.add(day, ns, credential, model, 'requests', 1);
    const metric = outcome === 'success' ? 'successes' : `failures:${outcome}`;
    this.add(day, ns, credential, model, metric, 1);
  }

  /** The tokens of a call's answer, for the credential that served it. */
  tokens(ns: Namespace, credential: string, model: string, tokens: TokenUsage): void {
    const day = this.today();
    this.add(day, ns, credential, model, 'input_tokens', tokens.input);
    this.add(day, ns, credential, model, 'output_tokens', tokens.output);
    this.add(day, ns, credential, model, 'thinking_tokens', tokens.thinking);
  }

  /** Takes everything gathered so far, leaving the buffer empty. */
  drain(): UsageIncrement[] {
    const taken = [...this.pending.values()];
    this.pending = new Map();
    return taken;
  }

  /** Puts back increments a flush could not write, so they go with the next one. */
  restore(increments: readonly UsageIncrement[]): void {
    for (const i of increments) this.add(i.day, i.ns, i.credential, i.model, i.metric, i.by);
  }

  private today(): string {
    const now = this.nowMs();
    if (now >= this.dayEnds || now < this.dayEnds - DAY_MS) {
      this.day = utcDay(new Date(now));
      this.dayEnds = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    }
    return this.day;
  }

  private add(
    day: string,
    ns: Namespace,
    credential: string,
    model: string,
    metric: string,
    by: number,
  ): void {
    if (!(by > 0)) return;
    // Names cannot hold NUL (storage refuses it), so it separates the parts of the key.
    const key = `${day}\0${ns}\0${credential}\0${model}\0${metric}`;
    const current = this.pending.get(key);
    if (current) current.by += by;
    else this.pending.set(key, { day, ns, credential, model, metric, by });
  }
}
