import type { mongo } from 'mongoose';
import { CONFIG_COLLECTION, type ConfigDoc, encodeValue } from './documents';
import { retryOnDuplicate } from './schema';
import type { MongoSession } from './session';

/**
 * Config documents `{key, value, updated_at}`, as the Python gateway wrote them. A value BSON
 * cannot hold as-is (see `encodeValue`) is kept as JSON text in `value_json` instead.
 */
export class ConfigStore {
  constructor(private readonly s: MongoSession) {}

  async get(key: string): Promise<unknown> {
    const projection = { value: 1, value_json: 1 };
    const doc = await this.s.config.findOne({ key }, { projection });
    return doc ? configValue(doc) : undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    const encoded = encodeValue(value);
    const updated_at = Date.now() / 1000;
    const update: mongo.UpdateFilter<ConfigDoc> =
      'json' in encoded
        ? { $set: { value_json: encoded.json, updated_at }, $unset: { value: '' } }
        : { $set: { value: encoded.native, updated_at }, $unset: { value_json: '' } };
    const upsert = () => this.s.config.updateOne({ key }, update, { upsert: true });
    await this.s.exclusive(CONFIG_COLLECTION, key, () => retryOnDuplicate(upsert));
  }

  /** `false` when the key was not set. */
  async delete(key: string): Promise<boolean> {
    const remove = () => this.s.config.deleteOne({ key });
    return (await this.s.exclusive(CONFIG_COLLECTION, key, remove)).deletedCount > 0;
  }

  /**
   * Sets, then deletes, one key at a time in the given order. Not atomic: FerretDB has no
   * transactions, so a failure part-way leaves the earlier keys written.
   */
  async update(set: Record<string, unknown>, remove: readonly string[]): Promise<void> {
    for (const [key, value] of Object.entries(set)) await this.set(key, value);
    for (const key of remove) await this.delete(key);
  }

  async all(): Promise<Record<string, unknown>> {
    const projection = { key: 1, value: 1, value_json: 1 };
    const docs = await this.s.config.find({}, { projection }).toArray();
    return Object.fromEntries(docs.map((doc) => [doc.key, configValue(doc)]));
  }
}

function configValue(doc: Pick<ConfigDoc, 'value' | 'value_json'>): unknown {
  return doc.value_json !== undefined ? JSON.parse(doc.value_json) : (doc.value ?? null);
}
