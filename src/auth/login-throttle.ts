/**
 * Counts failed panel logins per client in a sliding window: after `limit` failures within
 * `windowMs`, the client must wait until the oldest one leaves the window, whatever password it
 * sends. In memory, per process; at most `maxClients` clients are tracked (the least recently
 * failing are forgotten first), so a flood of addresses cannot grow it without bound.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 60_000,
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `client` may try again; 0 when it may try now. */
  retryAfter(client: string): number {
    const recent = this.recent(client);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[0] + this.windowMs - this.now()) / 1000));
  }

  /** Records a failed attempt. */
  fail(client: string): void {
    const recent = [...this.recent(client), this.now()].slice(-this.limit);
    this.failures.delete(client);
    this.failures.set(client, recent);
    if (this.failures.size > this.maxClients) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
  }

  /** Forgets the client's failures after a successful login. */
  succeed(client: string): void {
    this.failures.delete(client);
  }

  private recent(client: string): number[] {
    const since = this.now() - this.windowMs;
    const recent = (this.failures.get(client) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(client);
    return recent;
  }
}
