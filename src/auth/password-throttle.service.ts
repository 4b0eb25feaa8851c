import { Injectable } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { Clock } from '../common/clock';
import type { EphemeralStore } from '../storage/storage-backend.interface';
import { InjectEphemeralStore } from '../storage/storage.decorators';
import { LoginThrottle } from './login-throttle';

/** Failed attempts a client may make in {@link WINDOW_MS} before it must wait. */
const LIMIT = 5;
const WINDOW_MS = 60_000;
/** How long this process trusts its last look at a client's shared block (the hot path). */
const LOOKUP_TTL_MS = 1_000;
/** Clients whose shared-block look-up is remembered; past this the memory is cleared. */
const MAX_REMEMBERED = 10_000;
const PREFIX = 'login-throttle:';

/**
 * Failed password attempts per client, shared by the panel login and the API key check: the
 * password behind both is often the same, so guessing it through the APIs counts too. Five
 * failures a minute and the client waits (429) wherever it tries next — on every gateway process
 * sharing the storage backend.
 *
 * Each failure takes one of five expiring slots in storage (`setEntryIfAbsent`, a minute each),
 * so five slots taken means five failures within the last minute, counted atomically across
 * processes; the fifth writes a block entry that lasts until the oldest slot frees. Every process
 * reads that block entry at most once a second per client, so a request with the right key costs
 * a map look-up. When storage cannot be reached, the in-memory count of this process still holds.
 */
@Injectable()
export class PasswordThrottle {
  private readonly local: LoginThrottle;
  /** Per client: blocked until (ms, 0 for not blocked) and when that was last read. */
  private readonly blocks = new Map<string, { until: number; readAt: number }>();

  constructor(
    @InjectEphemeralStore() private readonly entries: EphemeralStore,
    private readonly clock: Clock,
  ) {
    this.local = new LoginThrottle(LIMIT, WINDOW_MS, MAX_REMEMBERED, () => clock.now());
  }

  /** Whole seconds until `ip` may try again; 0 when it may try now. For a right password. */
  async retryAfter(ip: string | undefined): Promise<number> {
    const client = clientKey(ip);
    const shared = await this.sharedWait(client);
    return Math.max(this.local.retryAfter(client), shared);
  }

  /**
   * A wrong password from `ip`: the whole seconds it must wait when it is blocked, else 0 once
   * the failure is counted here and in storage. Of a burst of parallel guesses no more than the
   * limit get through: in this process the check and the count happen with no wait between
   * them, and across processes the failure must win one of the limit's slots in storage, which
   * is atomic (a guess that finds them all taken is answered as blocked).
   */
  async reject(ip: string | undefined): Promise<number> {
    const client = clientKey(ip);
    const shared = await this.sharedWait(client);
    const wait = Math.max(this.local.retryAfter(client), shared);
    if (wait > 0) return wait;
    this.local.fail(client);
    try {
      return await this.takeSlot(client);
    } catch {
      // Storage is away: this process's own count still throttles the client.
      return 0;
    }
  }

  /** Forgets the client's failures after a successful login. */
  async succeed(ip: string | undefined): Promise<void> {
    const client = clientKey(ip);
    this.local.succeed(client);
    this.blocks.delete(client);
    const keys = [...slotKeys(client), blockKey(client)];
    await Promise.all(keys.map((key) => this.entries.deleteEntry(key))).catch(() => undefined);
  }

  /**
   * Takes a free slot for a failure: 0 when one was free, else (every slot taken by failures of
   * the last minute, in any process) the whole seconds until the oldest leaves the window. The
   * failure that takes the last slot, or finds none, writes the block entry.
   */
  private async takeSlot(client: string): Promise<number> {
    const now = this.clock.now();
    const slots = slotKeys(client);
    let taken = -1;
    for (let i = 0; i < slots.length && taken < 0; i++) {
      if (await this.entries.setEntryIfAbsent(slots[i], String(now), WINDOW_MS)) taken = i;
    }
    if (taken >= 0 && taken < slots.length - 1) return 0;
    // Every slot is taken now: blocked until the oldest failure leaves the window.
    const times = await Promise.all(slots.map((key) => this.entries.getEntry(key)));
    const oldest = Math.min(...times.map((time) => (time === null ? now : Number(time))));
    const until = oldest + WINDOW_MS;
    if (until <= now) return 0;
    await this.entries.setEntry(blockKey(client), String(until), until - now);
    this.remember(client, until);
    return taken >= 0 ? 0 : Math.ceil((until - now) / 1000);
  }

  /** Whole seconds the client's shared block has left; 0 when none. */
  private async sharedWait(client: string): Promise<number> {
    const until = Math.max(await this.sharedBlock(client), 0);
    const now = this.clock.now();
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** The client's shared block (ms since the epoch; 0 when none), read at most once a second. */
  private async sharedBlock(client: string): Promise<number> {
    const now = this.clock.now();
    const known = this.blocks.get(client);
    if (known && (known.until > now || now - known.readAt < LOOKUP_TTL_MS)) return known.until;
    let until = 0;
    try {
      const stored = await this.entries.getEntry(blockKey(client));
      until = stored === null ? 0 : Number(stored) || 0;
    } catch {
      // Storage is away: the local count decides alone.
    }
    this.remember(client, until);
    return until;
  }

  private remember(client: string, until: number): void {
    if (this.blocks.size >= MAX_REMEMBERED) this.blocks.clear();
    this.blocks.set(client, { until, readAt: this.clock.now() });
  }
}

const slotKeys = (client: string) =>
  Array.from({ length: LIMIT }, (_, i) => `${PREFIX}${client}:${i}`);
const blockKey = (client: string) => `${PREFIX}${client}:blocked`;

/** IPv6 clients are counted by their /64: one host usually has the whole prefix. */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (ip.startsWith('::ffff:')) return ip.slice(7);
  if (!isIPv6(ip)) return ip;
  const [head] = ip.split('::');
  const groups = ip.includes('::') ? head.split(':').filter(Boolean) : ip.split(':');
  return `${[...groups, '0', '0', '0', '0'].slice(0, 4).join(':')}::/64`;
}
