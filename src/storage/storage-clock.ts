import type { Clock } from '../common/clock';

/**
 * Where a backend reads "now" (milliseconds since the epoch) for what it computes itself: entry
 * expiry, the default time of cooldown reads and of a success. Tests pass a frozen clock and move
 * it instead of sleeping; a server-side TTL (Valkey/Redis entries) still runs on server time.
 */
export type StorageClock = Pick<Clock, 'now'>;

/** The system clock, every backend's default. */
export const SYSTEM_CLOCK: StorageClock = { now: () => Date.now() };

/** `clock`'s time in unix seconds, as the stored states and entries keep it. */
export const secondsOf = (clock: StorageClock) => () => clock.now() / 1000;
