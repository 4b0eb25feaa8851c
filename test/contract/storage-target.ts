import type { BackendKind, StorageBackend } from '../../src/storage/storage-backend.interface';
import type { StorageClock } from '../../src/storage/storage-clock';
import type { StorageRules } from '../../src/storage/storage-rules';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import type { FrozenClock } from '../support/frozen-clock';

/** What a store under test is opened with: the test's clock, and rules other than the default. */
export interface StoreOptions {
  clock: StorageClock;
  rules?: StorageRules;
}

/** One implementation under test, as the contract suite sees it. */
export interface StorageTarget {
  /** Shown in test names, e.g. `sqlite`. */
  name: string;
  /** The kind the store reports, when it is not `name` (a tier reports its primary's, a cluster
   * is still `valkey`). */
  kind?: BackendKind;
  /** `null` when the target's server is usable; otherwise why its suites are skipped. */
  unavailable(): string | null;
  /**
   * A fresh, connected, empty store (own file, database, key prefix or database name), and a way
   * to open another connected handle on that same store, as a second gateway process would
   * (with the same options unless others are given).
   */
  create(options: StoreOptions): Promise<{
    storage: StorageBackend;
    another(options: StoreOptions): Promise<StorageBackend>;
  }>;
  /** A store pointed at a server that is not there; `connect()` has not been called. */
  createUnreachable(): StorageBackend;
  /** Removes what `create` made; the store has been closed already. */
  cleanup?(): Promise<void>;
  /**
   * `true` where entries expire on the server's own clock (Valkey/Redis `PX`): the test clock
   * cannot move them, so their expiry cases still wait for real there.
   */
  serverTimedEntries?: boolean;
}

/** What every contract group receives: the store of the current test. */
export interface ContractContext {
  target: StorageTarget;
  readonly storage: StorageBackend;
  /** The clock the current test's stores read; move it instead of sleeping. */
  readonly clock: FrozenClock;
  /** Another connected handle on the same store, as a second gateway process would have. */
  second(options?: Partial<StoreOptions>): Promise<StorageBackend>;
}

/** `backend` behind the validating wrapper, as the gateway runs it, connected. */
export async function connected(
  backend: StorageBackend,
  { clock, rules }: Partial<StoreOptions> = {},
): Promise<StorageBackend> {
  const storage = new ValidatedStorage(backend, [], { clock, rules });
  await storage.connect();
  return storage;
}
