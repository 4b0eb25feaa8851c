import { dirname } from 'node:path';
import { withTimeout } from '../../common/with-timeout';
import { validateEnv } from '../../env/env.schema';
import { SqliteBackend } from '../../storage/backends/sqlite.backend';
import type { BackendCandidate } from '../../storage/select-backend';
import type {
  BackendInfo,
  CredentialData,
  CredentialState,
  Namespace,
  StorageBackend,
} from '../../storage/storage-backend.interface';
import { storageCandidates } from '../../storage/storage-candidates';
import { StorageUnavailableError } from '../../storage/storage.errors';
import { ValidatedStorage } from '../../storage/validated-storage';
import { CliError, EXIT } from '../cli.errors';
import { mapConcurrent } from '../../credentials/admin/map-concurrent';
import type { TransferItem, TransferSource } from '../transfer/transfer.types';
import { isDefaultSqliteFile, type StorageLocation } from './storage-location';

/** Reads in flight at once when a page's data is fetched one credential at a time. */
const READ_PARALLELISM = 32;
/** How long a resume journal outlives an interrupted run, in milliseconds (a week). */
const JOURNAL_TTL_MS = 7 * 24 * 3600 * 1000;

/** What `open` needs beyond the location. */
export interface OpenOptions {
  /** Valkey/Redis key prefix; default REDIS_KEY_PREFIX of the environment, else `gcli:`. */
  keyPrefix?: string;
}

/**
 * Every storage access of the command line goes through here, on the server's own backends
 * (built by the same `storageCandidates` factory and wrapped in the same `ValidatedStorage`).
 * The command line opens, migrates and closes stores, so it keeps the whole StorageBackend (the
 * intersection of the role stores) rather than one role.
 */
export class CliStore implements TransferSource {
  private constructor(
    private readonly storage: StorageBackend,
    /** Safe to print: the redacted URL or the file path. */
    readonly shown: string,
  ) {}

  /** Connects to the location; a server that is not there is a CliError with exit code 3. */
  static async open(location: StorageLocation, options: OpenOptions = {}): Promise<CliStore> {
    return CliStore.openCandidate(candidateFor(location, options));
  }

  /** Connects to the backend the environment prefers, as the server would without fallback. */
  static async openFromEnv(): Promise<CliStore> {
    return CliStore.openCandidate(storageCandidates(validateEnv(process.env))[0]);
  }

  /** Takes over a storage the server's selection has connected already. */
  static adopt(storage: StorageBackend, shown: string): CliStore {
    return new CliStore(storage, shown);
  }

  private static async openCandidate(candidate: BackendCandidate): Promise<CliStore> {
    const storage = new ValidatedStorage(await candidate.create(), candidate.secrets, {
      rules: candidate.rules,
    });
    const timeoutMs = validateEnv(process.env).STORAGE_CONNECT_TIMEOUT_MS;
    try {
      await withTimeout(
        storage.connect(),
        timeoutMs,
        () => new StorageUnavailableError(`did not connect within ${timeoutMs} ms`),
      );
    } catch (err) {
      await storage.close().catch(() => undefined);
      const reason = scrub(err, candidate.secrets);
      // Most backends name the target in their message already; say it once.
      const where = `${candidate.label} at ${candidate.target}`;
      const message = reason.includes(candidate.target)
        ? reason
        : `cannot open ${where}: ${reason}`;
      throw new CliError(message, EXIT.unavailable);
    }
    return new CliStore(storage, candidate.target);
  }

  get kind() {
    return this.storage.kind;
  }

  async info(): Promise<BackendInfo> {
    return this.storage.info();
  }

  async ping(): Promise<void> {
    await this.storage.ping();
  }

  async count(ns: Namespace): Promise<number> {
    return (await this.storage.summarize(ns, { limit: 1 })).stats.total;
  }

  /** Pages in insertion order; `now: 0` keeps every cooldown, expired or not, as stored. */
  async *pages(ns: Namespace, size: number): AsyncIterable<TransferItem[]> {
    for (let offset = 0; ; offset += size) {
      const page = await this.storage.summarize(ns, { offset, limit: size, now: 0 });
      if (page.items.length === 0) return;
      const names = page.items.map((item) => item.name);
      const data = await this.storage.getCredentials(ns, names);
      const items: TransferItem[] = [];
      page.items.forEach(({ name, order: _order, ...state }) => {
        // A credential deleted between the two reads is left out, not invented.
        const found = data.get(name);
        if (found) items.push({ name, data: found, state });
      });
      yield items;
      if (page.items.length < size) return;
    }
  }

  /** Every name in the namespace. */
  async names(ns: Namespace): Promise<Set<string>> {
    return new Set(await this.storage.listCredentialNames(ns));
  }

  /** Data and whole state (every cooldown) of the given names that exist. */
  async read(ns: Namespace, names: readonly string[]): Promise<Map<string, TransferItem>> {
    const found = await mapConcurrent(names, READ_PARALLELISM, async (name) => {
      const [data, state] = await Promise.all([
        this.storage.getCredential(ns, name),
        this.storage.getState(ns, name, 0),
      ]);
      return data && state ? { name, data, state } : undefined;
    });
    return new Map(found.filter((item) => item !== undefined).map((item) => [item.name, item]));
  }

  /** Writes data then whole state; new names go last in insertion order, in the given order. */
  async write(ns: Namespace, items: readonly TransferItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.storage.upsertCredentials(
      ns,
      items.map(({ name, data }): { name: string; data: CredentialData } => ({ name, data })),
    );
    await this.storage.restoreStates(
      ns,
      items.map(({ name, state }): { name: string; state: CredentialState } => ({ name, state })),
    );
  }

  async settings(): Promise<Record<string, unknown>> {
    return this.storage.getAllConfig();
  }

  async writeSettings(values: Record<string, unknown>): Promise<void> {
    await this.storage.updateConfig(values);
  }

  /** The resume journal under `key`: the names a run was writing when it stopped. */
  async journal(key: string): Promise<string[]> {
    const text = await this.storage.getEntry(key);
    return text ? (JSON.parse(text) as string[]) : [];
  }

  async setJournal(key: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) await this.storage.deleteEntry(key);
    else await this.storage.setEntry(key, JSON.stringify(names), JOURNAL_TTL_MS);
  }

  async close(): Promise<void> {
    await this.storage.close().catch(() => undefined);
  }
}

/** The server's candidate for this location, from the same factory and environment rules. */
function candidateFor(location: StorageLocation, options: OpenOptions): BackendCandidate {
  const env = validateEnv({
    ...process.env,
    VALKEY_URL: undefined,
    REDIS_URL: undefined,
    POSTGRES_DSN: undefined,
    MONGODB_URI: undefined,
    // A database named in a MongoDB URL wins over MONGODB_DATABASE, so two URLs on one
    // server name two databases.
    MONGODB_DATABASE: mongoPath(location) ? undefined : process.env.MONGODB_DATABASE,
    REDIS_KEY_PREFIX: options.keyPrefix ?? process.env.REDIS_KEY_PREFIX,
    [location.envKey]: location.kind === 'sqlite' ? dirname(location.raw) : location.raw,
  });
  const candidates = storageCandidates(env);
  if (location.kind !== 'sqlite') return candidates[0];
  const sqlite = candidates[candidates.length - 1];
  const file = location.raw;
  // The server only opens credentials.db; the command line also takes any other file name.
  if (isDefaultSqliteFile(file)) return sqlite;
  return { ...sqlite, target: file, create: () => new SqliteBackend({ file }) };
}

function mongoPath(location: StorageLocation): string | undefined {
  if (location.kind !== 'mongodb') return undefined;
  return new URL(location.raw).pathname.slice(1) || undefined;
}

/** The error's message with every password of the location masked. */
export function scrub(err: unknown, secrets: readonly string[]): string {
  let text = err instanceof Error ? err.message : String(err);
  for (const secret of secrets) if (secret) text = text.split(secret).join('***');
  return text;
}
