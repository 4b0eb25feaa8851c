import type { mongo } from 'mongoose';
import type {
  CredentialData,
  Namespace,
  RecordFailureInput,
} from '../../storage-backend.interface';
import { StorageConflictError, StorageError } from '../../storage.errors';
import { forEachLimited, insertNew } from './bulk';
import {
  cooldownPath,
  CREDENTIAL_COLLECTIONS,
  type CredentialDoc,
  encodeValue,
  errorCodesOf,
  freshCredential,
  isDuplicateKey,
  withErrorCode,
} from './documents';
import type { MongoSession } from './session';

/** Credentials sent per insert batch by a bulk upsert. */
const INSERT_CHUNK = 1_000;
/** Existing credentials a bulk upsert rewrites at the same time. */
const UPDATE_PARALLELISM = 8;
/** Compare-and-set rounds before a failure record gives up (only other processes interfere). */
const MAX_CAS_ATTEMPTS = 50;

/**
 * Replaces an existing credential's data (its state stays), else inserts it with the next
 * order; true when inserted. An insert that loses a race to another writer updates instead.
 */
export async function writeCredential(
  s: MongoSession,
  ns: Namespace,
  name: string,
  data: CredentialData,
): Promise<boolean> {
  const collection = CREDENTIAL_COLLECTIONS[ns];
  const now = Date.now() / 1000;
  const fields = dataFields(data);
  const update = dataUpdate(data, now);
  for (let attempt = 0; attempt < 3; attempt++) {
    const replace = () => s.credentials(ns).updateOne({ _id: name }, update);
    if ((await s.exclusive(collection, name, replace)).matchedCount > 0) return false;
    const doc = { ...freshCredential(name, await s.reserveOrders(1), now), ...fields };
    try {
      await s.exclusive(collection, name, () => s.credentials(ns).insertOne(doc));
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new StorageError(`${name} belongs to a document with another _id; reconnect`, 'mongodb');
}

/**
 * Upserts many credentials; later duplicates win. New names go in as insert batches, names
 * already there are rewritten one by one, which keeps their state and order.
 */
export async function writeCredentials(
  s: MongoSession,
  ns: Namespace,
  items: ReadonlyArray<{ name: string; data: CredentialData }>,
): Promise<{ created: number; updated: number }> {
  const unique = new Map(items.map((item) => [item.name, item.data]));
  const names = [...unique.keys()];
  const first = await s.reserveOrders(names.length);
  const now = Date.now() / 1000;
  const taken: string[] = [];
  let created = 0;
  for (let start = 0; start < names.length; start += INSERT_CHUNK) {
    const chunk = names.slice(start, start + INSERT_CHUNK);
    const docs = chunk.map((name, i) => ({
      ...freshCredential(name, first + start + i, now),
      ...dataFields(unique.get(name)!),
    }));
    const insert = () => insertNew(s.credentials(ns), docs);
    const result = await s.exclusive(CREDENTIAL_COLLECTIONS[ns], '', insert);
    created += result.inserted;
    taken.push(...result.taken.map((i) => chunk[i]));
  }
  await forEachLimited(taken, UPDATE_PARALLELISM, async (name) => {
    if (await writeCredential(s, ns, name, unique.get(name)!)) created++;
  });
  return { created, updated: unique.size - created };
}

/**
 * Adds the code to the error codes (distinct, most recent last, only the last `kept`) and optionally sets a
 * cooldown, as one compare-and-set: the list is written only if nobody changed it since it was
 * read. `false` when the credential does not exist.
 */
export async function recordFailure(
  s: MongoSession,
  ns: Namespace,
  name: string,
  input: RecordFailureInput,
  kept: number,
): Promise<boolean> {
  const credentials = s.credentials(ns);
  return s.exclusive(CREDENTIAL_COLLECTIONS[ns], name, async () => {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const doc = await credentials.findOne({ _id: name }, { projection: { error_codes: 1 } });
      if (!doc) return false;
      const $set: mongo.Document = {
        error_codes: withErrorCode(errorCodesOf(doc), input.code, kept),
      };
      if (input.modelKey !== undefined) $set[cooldownPath(input.modelKey)] = input.cooldownUntil;
      // FerretDB cannot compare-and-set (and scans for any filter beyond _id): there the
      // write queue alone keeps this process's writes exact.
      const guard = s.atomicUpdates ? { error_codes: doc.error_codes ?? null } : {};
      const result = await credentials.updateOne({ _id: name, ...guard }, { $set });
      if (result.matchedCount > 0) return true;
    }
    throw new StorageConflictError(
      `the error codes of ${name} kept changing; try again`,
      'mongodb',
    );
  });
}

/** The update that replaces a credential's data (native or JSON text) and nothing else. */
export function dataUpdate(data: CredentialData, now = Date.now() / 1000) {
  const fields = dataFields(data);
  const stale = 'credential_json' in fields ? 'credential_data' : 'credential_json';
  return { $set: { ...fields, updated_at: now }, $unset: { [stale]: '' as const } };
}

/** The data fields of a credential document: native BSON, or JSON text when BSON cannot hold it. */
function dataFields(
  data: CredentialData,
): Pick<CredentialDoc, 'credential_data' | 'credential_json'> {
  const encoded = encodeValue(data);
  return 'json' in encoded
    ? { credential_json: encoded.json }
    : { credential_data: encoded.native as CredentialData };
}
