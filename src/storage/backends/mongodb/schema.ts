import type { mongo } from 'mongoose';
import {
  CONFIG_COLLECTION,
  CREDENTIAL_COLLECTIONS,
  ENTRIES_COLLECTION,
  isDuplicateKey,
  META_COLLECTION,
  type MetaDoc,
  ROTATION_ID,
  VERSION_ID,
} from './documents';

/** A document as found, of this gateway or the Python one. */
type AnyDoc = { _id: unknown; [field: string]: unknown };

/**
 * Creates the indexes (the same as the Python gateway's where they overlap), moves documents of
 * that gateway to `_id` = filename, and seeds the change marker and the insertion-order counter.
 * Every step is idempotent, so it runs on each connect.
 */
export async function prepareDatabase(db: mongo.Db): Promise<void> {
  let highest = 0;
  for (const name of Object.values(CREDENTIAL_COLLECTIONS)) {
    const credentials = db.collection<AnyDoc>(name);
    await credentials.createIndex({ filename: 1 }, { unique: true });
    await credentials.createIndex({ rotation_order: 1 });
    await adoptLegacyDocuments(credentials);
    const [last] = await credentials
      .find({}, { projection: { rotation_order: 1 } })
      .sort({ rotation_order: -1 })
      .limit(1)
      .toArray();
    if (typeof last?.rotation_order === 'number') highest = Math.max(highest, last.rotation_order);
  }
  await db.collection(CONFIG_COLLECTION).createIndex({ key: 1 }, { unique: true });
  await db.collection(ENTRIES_COLLECTION).createIndex({ expires_at: 1 });
  const meta = db.collection<MetaDoc>(META_COLLECTION);
  await retryOnDuplicate(() =>
    meta.updateOne({ _id: VERSION_ID }, { $setOnInsert: { value: 0 } }, { upsert: true }),
  );
  // A database of the Python gateway has rotation orders but no counter yet.
  await retryOnDuplicate(() =>
    meta.updateOne({ _id: ROTATION_ID }, { $max: { value: highest } }, { upsert: true }),
  );
}

/**
 * Runs an upsert again when it lost an insert race to another process (duplicate key): the
 * second try finds the document and updates it.
 */
export async function retryOnDuplicate<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return write();
  }
}

/**
 * The Python gateway gave credentials an ObjectId `_id`. Each one is copied to `_id` = filename
 * and the original removed. The original is first renamed out of the unique filename index,
 * keeping its name in `legacy_filename`, so a crash in between loses nothing: the next connect
 * finishes the move.
 */
async function adoptLegacyDocuments(credentials: mongo.Collection<AnyDoc>) {
  const legacy = await credentials.find({ _id: { $type: 'objectId' } }).toArray();
  for (const { _id, legacy_filename, ...doc } of legacy) {
    const name: unknown = legacy_filename ?? doc.filename;
    if (typeof name !== 'string' || name === '') continue;
    await credentials.updateOne(
      { _id },
      { $set: { filename: `\u0000${String(_id)}`, legacy_filename: name } },
    );
    try {
      await credentials.insertOne({ ...doc, _id: name, filename: name });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    await credentials.deleteOne({ _id });
  }
}
