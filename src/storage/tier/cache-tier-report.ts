/**
 * `up`: reads are served from the cache. `down`: it failed or is unreachable; reads and writes go
 * to the primary alone. `recovering`: it answers again and is being flushed before it serves.
 */
export type CacheState = 'up' | 'down' | 'recovering';

/** What `/health` and `GET /api/auth/storage-info` show of the cache tier; no password. */
export interface CacheTierReport {
  backend: 'valkey';
  role: 'cache';
  /** Redacted URL. */
  target: string;
  state: CacheState;
  /** ISO time of the last change of state. */
  since: string;
  /** Why the cache is not serving; absent when `up`. */
  reason?: string;
  /** Round trip of a PING just made, in milliseconds; only when `up`. */
  pingMs?: number;
}

/** The live status of a cache tier, as the storage module provides it (or `null` without one). */
export interface CacheTierStatus {
  report(): Promise<CacheTierReport>;
}

/** The primary and cache of a tiered store, as `storage-info` (route and CLI) shows them. */
export async function describeTiers(
  primary: { backend: string; target: string; pingMs: number },
  cache: CacheTierStatus,
) {
  const { reason, pingMs, ...report } = await cache.report();
  return {
    // The primary answered the ping just made: had it not, there would be nothing to show.
    primary: {
      backend: primary.backend,
      role: 'primary' as const,
      target: primary.target,
      state: 'up' as const,
      ping_ms: primary.pingMs,
    },
    cache: {
      ...report,
      ...(reason === undefined ? {} : { reason }),
      ...(pingMs === undefined ? {} : { ping_ms: pingMs }),
    },
  };
}
