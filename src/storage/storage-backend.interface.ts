import type { ChangeFeed } from './stores/change-feed.interface';
import type { CredentialStore } from './stores/credential-store.interface';
import type { EphemeralStore } from './stores/ephemeral-store.interface';
import type { SettingsStore } from './stores/settings-store.interface';
import type { UsageStore } from './stores/usage-store.interface';
import type { StorageErrorClass } from './storage.errors';

// The role stores and their types live in ./stores; they are re-exported here so that code which
// needs the whole backend (the backends themselves, the CLI, the selection) imports one file.
export * from './stores/credential.types';
export * from './stores/usage.types';
export type { ChangeFeed, CredentialStore, EphemeralStore, SettingsStore, UsageStore };

/** The user-visible names of the four storage backends. */
export type BackendKind = 'valkey' | 'postgresql' | 'mongodb' | 'sqlite';

export const BACKEND_KINDS: readonly BackendKind[] = ['valkey', 'postgresql', 'mongodb', 'sqlite'];

/** Connection facts safe to show an administrator: no password ever appears here. */
export interface BackendInfo {
  kind: BackendKind;
  /** Redacted URL/DSN, or the database file path for SQLite. */
  target: string;
  host?: string;
  database?: string;
  tls?: boolean;
  /** True for a Valkey/Redis Cluster (`host` then lists its seed nodes). */
  cluster?: boolean;
  pool?: { min: number; max: number };
  counts: { geminicli: number; antigravity: number; config: number };
}

/**
 * Everything the gateway persists: every role store, served by one backend, plus its lifecycle.
 * Implementations do I/O and throw typed errors (see storage.errors.ts); "not found" is `null`,
 * `undefined` or `false`, never an exception, and a backend that is down throws, never returns
 * an empty result. Feature code injects the one role it uses (storage.decorators.ts); only
 * lifecycle, health, connection facts and the command line need the whole backend.
 */
export interface StorageBackend
  extends CredentialStore, SettingsStore, EphemeralStore, ChangeFeed, UsageStore {
  readonly kind: BackendKind;

  /** Opens connections and creates or migrates the schema. Throws when the backend is unreachable. */
  connect(): Promise<void>;
  /** Closes every connection; safe to call twice and after a failed connect. */
  close(): Promise<void>;
  /** One round trip to the server; throws when it is down. */
  ping(): Promise<void>;
  /** Redacted connection facts and item counts. */
  info(): Promise<BackendInfo>;
  /**
   * What one of this backend's driver errors means; the validating wrapper turns it into the
   * matching typed error. Absent, every untyped error is `failed`.
   */
  classifyError?(err: unknown): StorageErrorClass;
}
