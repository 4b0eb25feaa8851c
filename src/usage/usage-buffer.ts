import type { Namespace, UsageIncrement } from '../storage/storage-backend.interface';
import type { TokenUsage } from '../observability/request-context';

/** The UTC day of `date`, `YYYY-MM-DD`. */
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * Usage counts gathered in memory between two flushes, summed per counter: a burst of calls
 * becomes one increment per credential, model and metric. What it holds when the process dies
 * is lost (at most one flush interval of counts).
 */
export class UsageBuffer {
  private pending = new Map<string, UsageIncrement>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** One upstream attempt: a request, and a success or a failure with its status. */
  attempt(ns: Namespace, credential: string, model: string, outcome: 'success' | number): void {
    this.add(ns, credential, model, 'requests', 1);
    this.add(ns, credential, model, outcome === 'success' ? 'successes' : `failures:${outcome}`, 1);
  }

  /** The tokens of a call's answer, for the credential that served it. */
  tokens(ns: Namespace, credential: string, model: string, tokens: TokenUsage): void {
    this.add(ns, credential, model, 'input_tokens', tokens.input);
    this.add(ns, credential, model, 'output_tokens', tokens.output);
    this.add(ns, credential, model, 'thinking_tokens', tokens.thinking);
  }

  /** Takes everything gathered so far, leaving the buffer empty. */
  drain(): UsageIncrement[] {
    const taken = [...this.pending.values()];
    this.pending = new Map();
    return taken;
  }

  /** Puts back increments a flush could not write, so they go with the next one. */
  restore(increments: readonly UsageIncrement[]): void {
    for (const i of increments) this.add(i.ns, i.credential, i.model, i.metric, i.by, i.day);
  }

  private add(
    ns: Namespace,
    credential: string,
    model: string,
    metric: string,
    by: number,
    day = utcDay(this.now()),
  ): void {
    if (!(by > 0)) return;
    const key = JSON.stringify([day, ns, credential, model, metric]);
    const current = this.pending.get(key);
    if (current) current.by += by;
    else this.pending.set(key, { day, ns, credential, model, metric, by });
  }
}
