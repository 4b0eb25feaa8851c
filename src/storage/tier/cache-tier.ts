import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { redactUrl } from '../../common/redact-url';
import { withTimeout } from '../../common/with-timeout';
import { type CacheKeys, cacheKeys } from './cache-keys';
import { cacheClient, describeError, unlinkAll, unlinkUnder } from './cache-connection';
import { beginWrite, claim, endWrite, fill, type PendingWrite } from './cache-scripts';
import type { CacheState, CacheTierReport } from './cache-tier-report';

export interface CacheTierOptions {
  /** `redis://` or `rediss://` URL of the Valkey/Redis server. */
  url: string;
  /** Put before every cache key, e.g. `gcli:cache:`. */
  keyPrefix: string;
  /**
   * Longest one cache command may take, in milliseconds; a slower answer counts as the cache
   * being down, and the gateway serves from the primary until it is back. Default 500.
   */
  commandTimeoutMs?: number;
  /** Longest wait for the first connection, in milliseconds; never fails the start. Default 2000. */
  connectTimeoutMs?: number;
  /** Longest a cached copy lives, in milliseconds. Default 300000 (5 minutes). */
  itemTtlMs?: number;
  /** How often a cache counted as down is tried again, in milliseconds. Default 1000. */
  probeMs?: number;
  /**
   * Longest a write holds fills of the items it changes back, in milliseconds, should its process
   * die before it ends (see cache-scripts.ts). Default 5000.
   */
  pendingTtlMs?: number;
  /** Monotonic milliseconds; `performance.now` unless a test passes its own. */
  now?: () => number;
  /** Told about every change of state, e.g. to log it. */
  onStateChange?: (state: CacheState, reason: string | undefined) => void;
}

/**
 * The Valkey/Redis side of the tiered storage: one ioredis connection, and the rule that a cache
 * that fails is never trusted again before it has been flushed. Every method fails open: it
 * answers `undefined` (a miss) instead of throwing, and marks the cache down. A cache counted as
 * down serves nothing; once it answers again, everything it holds is deleted (copies this
 * process could not invalidate meanwhile may be stale) and the change counter is raised, so other
 * instances reload too; only then is it `up` again.
 */
export class CacheTier {
  readonly keys: CacheKeys;
  private client?: Redis;
  private state: CacheState = 'down';
  private reason: string | undefined = 'not connected yet';
  private since = Date.now();
  /** Raised on every failure, so a recovery that overlapped one does not declare the cache up. */
  private failures = 0;
  private recovering?: Promise<void>;
  private probe?: NodeJS.Timeout;
  private lastError?: string;
  private readonly instance = randomBytes(8).toString('hex');
  private tokens = 0;
  private readonly itemTtlMs: number;
  private readonly pendingTtlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CacheTierOptions) {
    this.keys = cacheKeys(options.keyPrefix);
    this.itemTtlMs = options.itemTtlMs ?? 300_000;
    this.pendingTtlMs = options.pendingTtlMs ?? 5_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Whether reads may be served from the cache now. */
  get serving(): boolean {
    return this.state === 'up';
  }

  /** Connects and flushes; never throws: a cache that cannot be reached starts `down`. */
  async start(): Promise<void> {
    await this.close();
    const client = cacheClient(this.options);
    client.on('error', (err: unknown) => (this.lastError = describeError(err, this.options.url)));
    client.on('close', () => this.markDown(this.lastError ?? 'the connection closed'));
    client.on('ready', () => void this.recover());
    this.client = client;
    this.startProbe();
    try {
      await withTimeout(
        client.connect(),
        this.options.connectTimeoutMs ?? 2_000,
        () => new Error('no answer in time'),
      );
      await this.recover();
    } catch (err) {
      this.markDown(describeError(err, this.options.url));
    }
  }

  async close(): Promise<void> {
    clearInterval(this.probe);
    this.probe = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // Closing is no outage: the state changes without telling `onStateChange`.
    this.state = 'down';
    this.reason = 'closed';
    client.removeAllListeners('close');
    client.removeAllListeners('ready');
    await client.quit().catch(() => client.disconnect());
  }

  /** The cached value of `field` in `key` when `marker` says the item is filled, else a miss. */
  async read(key: string, marker: string, field: string): Promise<string | null | undefined> {
    if (!this.serving) return undefined;
    const reply = await this.attempt((c) => c.hmget(key, marker, field), 'read');
    return reply && reply[0] !== null ? reply[1] : undefined;
  }

  /** Every field of the hash `key`, or `undefined` when not serving. */
  async readHash(key: string): Promise<Record<string, string> | undefined> {
    return this.attempt((c) => c.hgetall(key), 'read');
  }

  /**
   * Claims the item's fill token before the primary is read; `undefined` when not serving or
   * while a write to the item is pending.
   */
  async claim(key: string): Promise<string | undefined> {
    if (!this.serving) return undefined;
    const token = `${this.instance}:${++this.tokens}`;
    const pending = this.keys.pending(key);
    const claimed = await this.attempt(
      (c) => claim(c, key, pending, token, this.itemTtlMs),
      'read',
    );
    return claimed ?? undefined;
  }

  /** Fills the item when nothing invalidated it since `token` was claimed. */
  async fill(key: string, token: string, fields: Record<string, string>): Promise<void> {
    const pending = this.keys.pending(key);
    await this.attempt((c) => fill(c, key, pending, token, this.itemTtlMs, fields), 'read');
  }

  /**
   * Begins a write to the primary: deletes the copies of `items` (their fill tokens with them)
   * and of `copies`, and holds fills of `items` back until `endWrite`. Resolves once the cache
   * has it (or is counted down).
   */
  async beginWrite(items: readonly string[], copies: readonly string[]): Promise<PendingWrite> {
    const id = `${this.instance}:w${++this.tokens}`;
    const keys = { items: items.map((key) => ({ key, pending: this.keys.pending(key) })), copies };
    const write = { id, keys, started: this.now() };
    if (items.length === 0 && copies.length === 0) return write;
    await this.attempt((c) => beginWrite(c, keys, id, this.pendingTtlMs), 'write');
    return write;
  }

  /**
   * Ends `write` once the primary answered: lifts its hold, deletes the copies again (voiding
   * any token claimed after the hold expired) and raises the change counter when `bump`.
   */
  async endWrite(write: PendingWrite, bump: boolean): Promise<void> {
    const { keys, id } = write;
    if (keys.items.length === 0 && keys.copies.length === 0 && !bump) return;
    await this.attempt((c) => endWrite(c, this.keys.version, keys, id, bump), 'write');
  }

  /**
   * Whether `write` has run long enough that its hold may have expired before the primary
   * committed, so a fill may have stored an older value: its end must then come before the
   * acknowledgement.
   */
  outlived(write: PendingWrite): boolean {
    return this.now() - write.started >= this.pendingTtlMs / 2;
  }

  /** Deletes the cached copies in `keys`. */
  async invalidate(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.attempt((c) => unlinkAll(c, keys), 'write');
  }

  /** The change counter, or `undefined` when the cache is not serving. */
  async version(): Promise<number | undefined> {
    if (!this.serving) return undefined;
    const raw = await this.attempt((c) => c.get(this.keys.version), 'read');
    return raw === undefined ? undefined : Number(raw ?? 0);
  }

  /** Reads the copy of a short-lived entry; `undefined` when not serving or not copied. */
  async getEntry(key: string): Promise<string | undefined> {
    if (!this.serving) return undefined;
    return (await this.attempt((c) => c.get(this.keys.entry(key)), 'read')) ?? undefined;
  }

  /** Copies a short-lived entry the primary stored. */
  async setEntry(key: string, value: string, ttlMs: number): Promise<void> {
    await this.attempt((c) => c.set(this.keys.entry(key), value, 'PX', ttlMs), 'write');
  }

  /** The state, why it is not `up`, since when, and a ping time when up. */
  async report(): Promise<CacheTierReport> {
    let pingMs: number | undefined;
    if (this.serving) {
      const started = performance.now();
      const pong = await this.attempt((c) => c.ping(), 'read');
      if (pong !== undefined) pingMs = Math.round((performance.now() - started) * 100) / 100;
    }
    return {
      backend: 'valkey',
      role: 'cache',
      target: redactUrl(this.options.url),
      state: this.state,
      since: new Date(this.since).toISOString(),
      ...(this.state === 'up' ? {} : { reason: this.reason }),
      ...(pingMs === undefined ? {} : { pingMs }),
    };
  }

  /**
   * Runs `op` on the open connection; `undefined` and the cache marked down when it fails. A
   * `read` needs a serving cache and is skipped otherwise. A `write` (an invalidation, a copy)
   * goes through whenever the connection is open, even before a recovery ends, so a copy filled
   * meanwhile by another instance cannot outlive it; one that cannot be sent at all leaves the
   * cache to be flushed before it serves again.
   */
  private async attempt<T>(
    op: (client: Redis) => Promise<T>,
    kind: 'read' | 'write',
  ): Promise<T | undefined> {
    const client = this.client;
    if (kind === 'read' && !this.serving) return undefined;
    if (!client || client.status !== 'ready') {
      this.markDown(this.reason ?? 'the connection is not open');
      return undefined;
    }
    try {
      return await op(client);
    } catch (err) {
      this.markDown(describeError(err, this.options.url));
      return undefined;
    }
  }

  private markDown(reason: string): void {
    this.failures++;
    this.setState('down', reason);
    this.startProbe();
  }

  /** Flushes the cached copies and raises the change counter, then serves again. */
  private recover(): Promise<void> {
    this.recovering ??= this.flushAndServe().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async flushAndServe(): Promise<void> {
    const client = this.client;
    if (!client || client.status !== 'ready' || this.state === 'up') return;
    const failures = this.failures;
    this.setState('recovering', 'flushing copies that may be stale');
    try {
      for (const prefix of [this.keys.items, this.keys.entries]) await unlinkUnder(client, prefix);
      await client.incr(this.keys.version);
    } catch (err) {
      this.markDown(describeError(err, this.options.url));
      return;
    }
    if (this.failures !== failures) {
      this.setState('down', this.reason);
      return;
    }
    this.lastError = undefined;
    this.setState('up', undefined);
    clearInterval(this.probe);
    this.probe = undefined;
  }

  private startProbe(): void {
    if (this.probe || !this.client) return;
    this.probe = setInterval(() => {
      const client = this.client;
      if (!client || this.recovering) return;
      if (client.status === 'ready') void this.recover();
      else if (client.status === 'end' || client.status === 'wait') {
        client.connect().catch(() => undefined);
      }
    }, this.options.probeMs ?? 1_000);
    this.probe.unref();
  }

  private setState(state: CacheState, reason: string | undefined): void {
    const changed = state !== this.state;
    this.reason = reason;
    if (!changed) return;
    this.state = state;
    this.since = Date.now();
    this.options.onStateChange?.(state, reason);
  }
}
