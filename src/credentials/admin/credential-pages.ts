import { LoopSlices } from '../../common/loop-slices';
import type {
  CredentialData,
  CredentialStore,
  Namespace,
} from '../../storage/storage-backend.interface';

/** Credentials read at once when a route goes through all of them (getCredentials). */
const CREDENTIAL_PAGE = 500;

/**
 * Each of `items` with the stored data of the credential `nameOf` names, in order, read a page
 * at a time (one query or round trip each) and in slices (see LoopSlices): SQLite answers at once
 * and a client on a fast link never makes a download wait, so without them 100,000 credentials
 * were read in one 2.7 s stretch of the event loop. An item whose credential was deleted
 * meanwhile is left out.
 */
export async function* withCredentialData<T>(
  store: CredentialStore,
  ns: Namespace,
  items: readonly T[],
  nameOf: (item: T) => string,
): AsyncGenerator<[T, CredentialData]> {
  const slices = new LoopSlices();
  for (let start = 0; start < items.length; start += CREDENTIAL_PAGE) {
    if (slices.due()) await slices.next();
    const page = items.slice(start, start + CREDENTIAL_PAGE);
    const data = await store.getCredentials(ns, page.map(nameOf));
    for (const item of page) {
      const found = data.get(nameOf(item));
      if (found) yield [item, found];
    }
  }
}
