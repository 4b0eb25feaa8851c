import type { mongo } from 'mongoose';
import type {
  Namespace,
  UsageCounter,
  UsageFilter,
  UsageIncrement,
} from '../../storage-backend.interface';
import { UsageWriteError } from '../../storage.errors';
import { classifyMongoError } from './mongo-errors';
import { compareUsage } from '../../usage-validation';
import { retryOnDuplicate } from './schema';
import type { MongoSession } from './session';

export const USAGE_COLLECTION = 'gcli_usage';

/** One credential's usage of one model on one day: every metric in `counters`. */
interface UsageDoc {
  _id: string;
  day: string;
  ns: Namespace;
  credential: string;
  model: string;
  counters: Record<string, number>;
}

const query = (filter: UsageFilter): mongo.Filter<UsageDoc> => {
  const q: mongo.Filter<UsageDoc> = {};
  if (filter.ns !== undefined) q.ns = filter.ns;
  if (filter.credential !== undefined) q.credential = filter.credential;
  if (filter.model !== undefined) q.model = filter.model;
  if (filter.from !== undefined || filter.to !== undefined) {
    q.day = {
      ...(filter.from !== undefined ? { $gte: filter.from } : {}),
      ...(filter.to !== undefined ? { $lte: filter.to } : {}),
    };
  }
  return q;
};

/**
 * Usage counters on MongoDB: a document per day, namespace, credential and model, each metric
 * added to with `$inc` in one upsert (retried once when it lost an insert race), queued behind
 * this process's other writes to the document as every counter write here is.
 */
export const mongoUsage = {
  async increment(s: MongoSession, increments: readonly UsageIncrement[]): Promise<void> {
    const usage = s.db.collection<UsageDoc>(USAGE_COLLECTION);
    const docs = new Map<
      string,
      {
        key: Omit<UsageDoc, '_id' | 'counters'>;
        inc: Record<string, number>;
        /** The increments this document's write carries. */
        increments: UsageIncrement[];
      }
    >();
    for (const i of increments) {
      const id = JSON.stringify([i.day, i.ns, i.credential, i.model]);
      let doc = docs.get(id);
      if (!doc) {
        const key = { day: i.day, ns: i.ns, credential: i.credential, model: i.model };
        doc = { key, inc: {}, increments: [] };
        docs.set(id, doc);
      }
      doc.inc[`counters.${i.metric}`] = (doc.inc[`counters.${i.metric}`] ?? 0) + i.by;
      doc.increments.push(i);
    }
    const entries = [...docs];
    const results = await Promise.allSettled(
      entries.map(([id, { key, inc }]) => {
        const write = () =>
          usage.updateOne({ _id: id }, { $inc: inc, $setOnInsert: key }, { upsert: true });
        // Queued per document: FerretDB applies $inc as read-modify-write (see keyed-queue.ts).
        return s.exclusive(USAGE_COLLECTION, id, () => retryOnDuplicate(write));
      }),
    );
    // One write per document, no transaction: say which were not written and may be tried
    // again (the others would be counted twice). A document the server refuses for good (not a
    // lost connection) would be refused every time: its increments are given up.
    const failed = results.flatMap((result, i) => (result.status === 'rejected' ? [i] : []));
    if (failed.length === 0) return;
    const reasonOf = (i: number) => (results[i] as PromiseRejectedResult).reason as unknown;
    const retry = failed.filter((i) => classifyMongoError(reasonOf(i)) !== 'failed');
    const unwritten = retry.flatMap((i) => entries[i][1].increments);
    const first = reasonOf(failed[0]) as Error | undefined;
    throw new UsageWriteError(
      `${failed.length} of ${entries.length} usage documents were not written ` +
        `(${failed.length - retry.length} given up): ${first?.message}`,
      'mongodb',
      unwritten,
    );
  },

  async list(db: mongo.Db, filter: UsageFilter): Promise<UsageCounter[]> {
    const docs = await db.collection<UsageDoc>(USAGE_COLLECTION).find(query(filter)).toArray();
    return docs
      .flatMap((doc) =>
        Object.entries(doc.counters ?? {}).map(([metric, value]) => ({
          day: doc.day,
          ns: doc.ns,
          credential: doc.credential,
          model: doc.model,
          metric,
          value: Number(value),
        })),
      )
      .sort(compareUsage);
  },

  async delete(db: mongo.Db, filter: UsageFilter): Promise<void> {
    await db.collection<UsageDoc>(USAGE_COLLECTION).deleteMany(query(filter));
  },
};
