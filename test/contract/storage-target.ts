import type { StorageBackend } from '../../src/storage/storage-backend.interface';

/** One implementation under test, as the contract suite sees it. */
export interface StorageTarget {
  /** Shown in test names, e.g. `sqlite`. */
  name: string;
  /** The kind `info()` reports, when not `name` (a cluster is still `valkey`). */
  kind?: string;
  /** `null` when the target's server is usable; otherwise why its suites are skipped. */
  unavailable(): string | null;
  /**
   * A fresh, connected, empty store (own file, database, key prefix or database name), and a way
   * to open another connected handle on that same store, as a second gateway process would.
   */
  create(): Promise<{ storage: StorageBackend; another(): Promise<StorageBackend> }>;
  /** A store pointed at a server that is not there; `connect()` has not been called. */
  createUnreachable(): StorageBackend;
  /** Removes what `create` made; the store has been closed already. */
  cleanup?(): Promise<void>;
}

/** What every contract group receives: the store of the current test. */
export interface ContractContext {
  target: StorageTarget;
  readonly storage: StorageBackend;
  /** Another connected handle on the same store, as a second gateway process would have. */
  second(): Promise<StorageBackend>;
}
