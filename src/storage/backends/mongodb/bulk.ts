import { mongo } from 'mongoose';

/**
 * Inserts `docs` in one unordered batch. A document whose `_id` or filename is taken is skipped,
 * not an error: its index is returned in `taken`. Any other refusal throws.
 */
export async function insertNew<T extends mongo.Document>(
  collection: mongo.Collection<T>,
  docs: mongo.OptionalUnlessRequiredId<T>[],
): Promise<{ inserted: number; taken: number[] }> {
  try {
    const result = await collection.insertMany(docs, { ordered: false });
    return { inserted: result.insertedCount, taken: [] };
  } catch (err) {
    if (!(err instanceof mongo.MongoBulkWriteError)) throw err;
    const errors = [err.writeErrors].flat();
    if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
    return { inserted: err.insertedCount, taken: errors.map((e) => e.index) };
  }
}

/** Runs `work` on every item, at most `parallel` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}
