import type {
  CredentialSummary,
  Namespace,
  CredentialStore,
  SummaryQuery,
} from '../../storage/storage-backend.interface';
import type { IndexSnapshot, RotationIndex } from './rotation-index';

/** The largest page `summarize` serves. */
const PAGE = 100_000;

/**
 * Reads what a RotationIndex of `ns` is built from: the disabled and the cooling credentials, and
 * the names unless the store's names mark says they are still those of `previous` (then its
 * very array is handed on, and the new index shares its name map). A reload after a state or a
 * settings change thus costs the disabled and cooling credentials, not the whole pool: measured
 * at 100,000 credentials (1 in 50 disabled, 1 in 50 cooling), listing the names alone took
 * 150-330 ms and building from them 30-90 ms (see bench/rotation-reload.ts).
 */
export async function loadSnapshot(
  storage: CredentialStore,
  ns: Namespace,
  previous?: RotationIndex,
): Promise<IndexSnapshot> {
  const known = previous?.namesMark;
  const state = await storage.readRotationState(ns, {
    now: Date.now() / 1000,
    ...(known != null && { namesMark: known }),
  });
  const kept = known != null && previous ? previous.names : undefined;
  const names = state.names ?? (state.appended && kept ? kept.concat(state.appended) : kept);
  // A store that answers without names must have been asked with its own mark: anything else is
  // a broken store, and an index built from nothing would drop every credential.
  if (!names) throw new Error(`the ${ns} names were not listed`);
  const appendedTo = state.names === undefined && state.appended ? kept : undefined;
  const { disabled, cooldowns, namesMark } = state;
  return { names, disabled, cooldowns, namesMark, ...(appendedTo && { appendedTo }) };
}

/** Every summary matching `query`, read page by page (`pageSize` items a read). */
export async function summarizeAll(
  storage: CredentialStore,
  ns: Namespace,
  query: Omit<SummaryQuery, 'offset' | 'limit'>,
  pageSize = PAGE,
): Promise<CredentialSummary[]> {
  let items: CredentialSummary[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await storage.summarize(ns, { ...query, offset, limit: pageSize });
    items = offset === 0 ? page.items : items.concat(page.items);
    if (page.items.length < pageSize) return items;
  }
}
