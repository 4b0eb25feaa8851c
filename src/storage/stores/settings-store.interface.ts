/** The gateway's persisted settings: JSON values under string keys. */
export interface SettingsStore {
  /** The stored value, exactly as set, or `undefined`. */
  getConfig(key: string): Promise<unknown>;
  /** Stores any JSON value; `undefined` is refused by the validating wrapper. */
  setConfig(key: string, value: unknown): Promise<void>;
  /** `false` when the key was not set. */
  deleteConfig(key: string): Promise<boolean>;
  /**
   * Sets every key in `set` and deletes every key in `remove` as one write: atomic on SQLite,
   * PostgreSQL and Valkey/Redis (all or nothing); on MongoDB applied in order (see backend doc).
   * Bumps the change marker once when anything was given. Empty input is a no-op.
   */
  updateConfig(set: Record<string, unknown>, remove?: readonly string[]): Promise<void>;
  /** Every stored key and value. */
  getAllConfig(): Promise<Record<string, unknown>>;
}
