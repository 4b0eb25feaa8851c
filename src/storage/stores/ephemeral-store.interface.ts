/**
 * Short-lived string entries with a time-to-live: panel sessions, sign-in states, throttles and
 * set-if-absent leases that several gateway processes compete for.
 */
export interface EphemeralStore {
  /** Stores a short-lived string for `ttlMs` milliseconds, replacing any previous value. */
  setEntry(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only if no live entry exists; `true` when this call stored it. */
  setEntryIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** The live value, or `null` when missing or expired. */
  getEntry(key: string): Promise<string | null>;
  /** Deletes the entry (only if it currently holds `expected`, when given); `true` if deleted. */
  deleteEntry(key: string, expected?: string): Promise<boolean>;
}
