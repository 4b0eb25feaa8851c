import type { mongo } from 'mongoose';
import { ENTRIES_COLLECTION, type EntryDoc, isDuplicateKey } from './documents';
import { retryOnDuplicate } from './schema';
import type { MongoSession } from './session';

/** Expired entries are purged on one entry write in this many. */
const PURGE_EVERY = 200;

/**
 * Short-lived entries with `expires_at` in unix seconds. FerretDB has no TTL indexes, so every
 * read filters on `expires_at > now` and writes purge dead entries now and then.
 */
export class EntryStore {
  private writes = 0;

  constructor(
    private readonly s: MongoSession,
    /** Unix seconds now, from the backend's clock. */
    private readonly nowSeconds: () => number,
  ) {}

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const $set = { value, expires_at: this.nowSeconds() + ttlMs / 1000 };
    const upsert = () => this.s.entries.updateOne({ _id: key }, { $set }, { upsert: true });
    await this.s.exclusive(ENTRIES_COLLECTION, key, () => retryOnDuplicate(upsert));
    await this.maybePurge();
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const now = this.nowSeconds();
    const stored = await this.s.exclusive(ENTRIES_COLLECTION, key, async () => {
      // With a dead entry gone, the unique _id decides: of all concurrent inserts, one wins.
      await this.s.entries.deleteOne({ _id: key, expires_at: { $lte: now } });
      try {
        await this.s.entries.insertOne({ _id: key, value, expires_at: now + ttlMs / 1000 });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    });
    await this.maybePurge();
    return stored;
  }

  async get(key: string): Promise<string | null> {
    const doc = await this.s.entries.findOne({ _id: key, expires_at: { $gt: this.nowSeconds() } });
    return doc ? doc.value : null;
  }

  async delete(key: string, expected?: string): Promise<boolean> {
    const filter: mongo.Filter<EntryDoc> = { _id: key, expires_at: { $gt: this.nowSeconds() } };
    if (expected !== undefined) filter.value = expected;
    const remove = () => this.s.entries.deleteOne(filter);
    return (await this.s.exclusive(ENTRIES_COLLECTION, key, remove)).deletedCount > 0;
  }

  private async maybePurge() {
    if (++this.writes % PURGE_EVERY !== 0) return;
    const filter = { expires_at: { $lte: this.nowSeconds() } };
    await this.s.exclusive(ENTRIES_COLLECTION, '', () => this.s.entries.deleteMany(filter));
  }
}
