import mongoose, { type Connection, type mongo } from 'mongoose';
import { redactSecrets, redactUrl } from '../../../common/redact-url';
import type { Namespace } from '../../storage-backend.interface';
import { StorageUnavailableError } from '../../storage.errors';
import {
  CONFIG_COLLECTION,
  type ConfigDoc,
  CREDENTIAL_COLLECTIONS,
  type CredentialDoc,
  ENTRIES_COLLECTION,
  type EntryDoc,
  META_COLLECTION,
  type MetaDoc,
  ROTATION_ID,
  VERSION_ID,
} from './documents';
import { queued, WriteQueue } from './keyed-queue';
import { prepareDatabase, retryOnDuplicate } from './schema';

/** Connections per handle. FerretDB holds two of its 100 SQLite connections per update. */
const MAX_POOL_SIZE = 20;
/**
 * How often the driver checks a server, in milliseconds (its default is 10 s). Calls fail at
 * once while the server is known to be away (see `reachable`), so it is this check that notices
 * the server is back.
 */
const HEARTBEAT_MS = 1_000;

/** An open, prepared database: its collections, its write queue and its counters. */
export class MongoSession {
  private readonly queue: WriteQueue;

  private constructor(
    readonly connection: Connection,
    readonly db: mongo.Db,
    /** False on FerretDB, whose updates read, modify and write whole documents. */
    readonly atomicUpdates: boolean,
    queueKey: string,
  ) {
    this.queue = new WriteQueue(queueKey, atomicUpdates);
  }

  /**
   * Connects, pings and prepares the database (schema.ts). Whatever it opened is closed again
   * when a step fails; an unreachable server is a StorageUnavailableError naming the URI redacted.
   */
  static async open(uri: string, database: string, timeoutMs: number, queueKey: string) {
    let connection: Connection | undefined;
    let db: mongo.Db | undefined;
    try {
      connection = mongoose.createConnection(uri, {
        dbName: database,
        serverSelectionTimeoutMS: timeoutMs,
        connectTimeoutMS: timeoutMs,
        maxPoolSize: MAX_POOL_SIZE,
        heartbeatFrequencyMS: HEARTBEAT_MS,
        // A call that loses its connection would be retried after waiting out server selection
        // (the whole connect timeout) for a server that is gone; it fails at once instead, and
        // the caller answers 503 and may try again.
        retryReads: false,
        retryWrites: false,
        bufferCommands: false,
        autoIndex: false,
        autoCreate: false,
      });
      await connection.asPromise();
      db = connection.db;
      if (!db) throw new Error('no database handle after connecting');
      await db.command({ ping: 1 });
    } catch (err) {
      await connection?.destroy(true).catch(() => {});
      const reason = redactSecrets(err instanceof Error ? err.message : String(err));
      throw new StorageUnavailableError(
        `cannot connect to MongoDB at ${redactUrl(uri)}: ${reason}`,
        'mongodb',
      );
    }
    try {
      const ready = db;
      const build = await ready.admin().command({ buildInfo: 1 });
      await queued(queueKey, () => prepareDatabase(ready));
      return new MongoSession(connection, ready, build.ferretdbVersion === undefined, queueKey);
    } catch (err) {
      await connection.destroy(true).catch(() => {});
      throw err;
    }
  }

  /**
   * False while the driver knows the server is away (a single server or a replica set without a
   * primary); mongoose tracks this from the driver's server monitoring.
   */
  get reachable(): boolean {
    return this.connection.readyState !== mongoose.ConnectionStates.disconnected;
  }

  credentials(ns: Namespace) {
    return this.db.collection<CredentialDoc>(CREDENTIAL_COLLECTIONS[ns]);
  }
  get config() {
    return this.db.collection<ConfigDoc>(CONFIG_COLLECTION);
  }
  get entries() {
    return this.db.collection<EntryDoc>(ENTRIES_COLLECTION);
  }
  get meta() {
    return this.db.collection<MetaDoc>(META_COLLECTION);
  }

  /** Runs a write after this process's earlier writes to the same document (see keyed-queue.ts). */
  exclusive<T>(collection: string, id: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(collection, id, task);
  }

  /** Reserves `count` consecutive insertion orders from the shared counter; returns the first. */
  async reserveOrders(count: number): Promise<number> {
    const doc = await this.exclusive(META_COLLECTION, ROTATION_ID, () =>
      this.meta.findOneAndUpdate(
        { _id: ROTATION_ID },
        { $inc: { value: count } },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    return Number(doc?.value ?? count) - count + 1;
  }

  /** Raises the change marker that other processes poll. */
  async bump(): Promise<void> {
    const bump = () =>
      this.meta.updateOne({ _id: VERSION_ID }, { $inc: { value: 1 } }, { upsert: true });
    await this.exclusive(META_COLLECTION, VERSION_ID, () => retryOnDuplicate(bump));
  }

  /**
   * Raises the counter behind `ns`'s names mark (see rotation-state.ts); called after every add
   * or delete has been written, never before.
   */
  async bumpNames(ns: Namespace): Promise<void> {
    const id = `names:${ns}`;
    const bump = () => this.meta.updateOne({ _id: id }, { $inc: { value: 1 } }, { upsert: true });
    await this.exclusive(META_COLLECTION, id, () => retryOnDuplicate(bump));
  }

  async namesVersion(ns: Namespace): Promise<number> {
    return Number((await this.meta.findOne({ _id: `names:${ns}` }))?.value ?? 0);
  }

  async version(): Promise<number> {
    return Number((await this.meta.findOne({ _id: VERSION_ID }))?.value ?? 0);
  }
}
