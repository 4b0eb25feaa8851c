import type {
  CredentialData,
  CredentialState,
  Namespace,
} from '../../storage/storage-backend.interface';

/** One credential as it moves between stores and archives: its data and its whole state. */
export interface TransferItem {
  name: string;
  data: CredentialData;
  state: CredentialState;
}

/** Anything credentials and settings can be read from: a store, an archive or an old layout. */
export interface TransferSource {
  /** Safe to print (redacted URL, file path). */
  readonly shown: string;
  /** How many credentials the namespace holds. */
  count(ns: Namespace): Promise<number>;
  /** The namespace's credentials in insertion order, `size` per page at most. */
  pages(ns: Namespace, size: number): AsyncIterable<TransferItem[]>;
  /** Every stored setting, key to value. */
  settings(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The keys of a value sorted at every depth, so equal values give equal text and checksums. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The same items, with the next one already being read while the caller works on the current
 * one: reading the source and writing the target overlap instead of taking turns.
 */
export async function* readAhead<T>(items: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = items[Symbol.asyncIterator]();
  let next = iterator.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = iterator.next();
    // Awaited on the next turn; if the caller stops first, its failure must not go unhandled.
    next.catch(() => undefined);
    yield current.value;
  }
}
