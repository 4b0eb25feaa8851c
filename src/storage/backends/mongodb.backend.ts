import type { mongo } from 'mongoose';
import { redactUrl } from '../../common/redact-url';
import type {
  BackendInfo,
  CredentialData,
  CredentialState,
  CredentialStatePatch,
  CredentialSummaryPage,
  Namespace,
  RecordFailureInput,
  RecordSuccessInput,
  StorageBackend,
  SummaryQuery,
  UsageFilter,
  UsageIncrement,
} from '../storage-backend.interface';
import { StorageUnavailableError } from '../storage.errors';
import { ConfigStore } from './mongodb/config-store';
import {
  dataUpdate,
  recordFailure,
  writeCredential,
  writeCredentials,
} from './mongodb/credential-writes';
import { restoreStates } from './mongodb/restore-states';
import { readRotationState } from './mongodb/rotation-state';
import {
  cooldownPath,
  CREDENTIAL_COLLECTIONS,
  credentialDataOf,
  type CredentialDoc,
  DATA_PROJECTION,
  INSERTION_ORDER,
  STATE_PROJECTION,
  toState,
} from './mongodb/documents';
import { EntryStore } from './mongodb/entries';
import { classifyMongoError } from './mongodb/mongo-errors';
import { MongoSession } from './mongodb/session';
import { summarizeCredentials } from './mongodb/summary';
import { parseMongoUri } from './mongodb/uri';
import { mongoUsage } from './mongodb/usage';

import { secondsOf, type StorageClock, SYSTEM_CLOCK } from '../storage-clock';
import { STORAGE_RULES, type StorageRules } from '../storage-rules';

import { MONGODB_BACKEND_NAME } from '../backend-names';

export { MONGODB_BACKEND_NAME };

export interface MongoBackendOptions {
  /** `mongodb://[user:password@]host[:port][,host2...][/database][?options]`, or `mongodb+srv://`. */
  uri: string;
  /** The database to use. Default: the URI's path, else `gcli2api`. */
  database?: string;
  /** How long `connect()` waits to reach a server (selection and TCP connect), in ms. Default 10000. */
  connectTimeoutMs?: number;
  /** The rotation rules to enforce (how many error codes to keep...). Default STORAGE_RULES. */
  rules?: StorageRules;
  /** Where "now" comes from (entry expiry, default cooldown time). Default the system clock. */
  clock?: StorageClock;
}

/**
 * MongoDB, or a wire-compatible server such as FerretDB, through a mongoose connection and the
 * driver's plain collections. Documents keep the Python gateway's shape, with `_id` = filename;
 * the helpers live in ./mongodb/.
 */
export class MongoBackend implements StorageBackend {
  readonly kind = 'mongodb' as const;
  readonly classifyError = classifyMongoError;
  /** The database in use (see {@link MongoBackendOptions.database}). */
  readonly database: string;
  private readonly queueKey: string;
  private readonly rules: StorageRules;
  private readonly nowSeconds: () => number;
  private opened?: { session: MongoSession; entries: EntryStore; config: ConfigStore };
  /** Counts closes, so that a connect that outlived a close knows it must not open. */
  private generation = 0;

  constructor(private readonly options: MongoBackendOptions) {
    const { host, database } = parseMongoUri(options.uri);
    this.database = options.database ?? database ?? 'gcli2api';
    this.queueKey = `${host ?? ''}/${this.database}`;
    this.rules = options.rules ?? STORAGE_RULES;
    this.nowSeconds = secondsOf(options.clock ?? SYSTEM_CLOCK);
  }

  async connect(): Promise<void> {
    await this.close();
    const generation = this.generation;
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const session = await MongoSession.open(
      this.options.uri,
      this.database,
      timeoutMs,
      this.queueKey,
    );
    if (generation !== this.generation) {
      // Closed while connecting (the selection gave up on it): the late session would leak.
      await session.connection.destroy().catch(() => {});
      throw new StorageUnavailableError('MongoDB storage: closed before the connection was ready');
    }
    this.opened = {
      session,
      entries: new EntryStore(session, this.nowSeconds),
      config: new ConfigStore(session),
    };
  }

  async close(): Promise<void> {
    this.generation++;
    const session = this.opened?.session;
    this.opened = undefined;
    await session?.connection.destroy().catch(() => {});
  }

  async ping(): Promise<void> {
    await this.s.db.command({ ping: 1 });
  }

  async info(): Promise<BackendInfo> {
    const { host, tls } = parseMongoUri(this.options.uri);
    const [geminicli, antigravity, config] = await Promise.all([
      this.s.credentials('geminicli').countDocuments({}),
      this.s.credentials('antigravity').countDocuments({}),
      this.s.config.countDocuments({}),
    ]);
    return {
      kind: this.kind,
      target: redactUrl(this.options.uri),
      host,
      database: this.database,
      tls,
      counts: { geminicli, antigravity, config },
    };
  }

  async upsertCredential(ns: Namespace, name: string, data: CredentialData) {
    const created = await writeCredential(this.s, ns, name, data);
    await this.s.bumpNames(ns);
    await this.s.bump();
    return { created };
  }

  async upsertCredentials(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; data: CredentialData }>,
  ) {
    const result = await writeCredentials(this.s, ns, items);
    await this.s.bumpNames(ns);
    await this.s.bump();
    return result;
  }

  async updateCredentialData(ns: Namespace, name: string, data: CredentialData) {
    return this.update(ns, name, dataUpdate(data));
  }

  async getCredential(ns: Namespace, name: string) {
    const doc = await this.s
      .credentials(ns)
      .findOne({ _id: name }, { projection: DATA_PROJECTION });
    return doc ? credentialDataOf(doc) : null;
  }

  async getCredentials(ns: Namespace, names: readonly string[]) {
    const found = new Map<string, CredentialData>();
    if (names.length === 0) return found;
    const docs = await this.s
      .credentials(ns)
      .find({ _id: { $in: [...names] } }, { projection: DATA_PROJECTION })
      .toArray();
    for (const doc of docs) found.set(doc._id, credentialDataOf(doc));
    return found;
  }

  async deleteCredential(ns: Namespace, name: string) {
    const remove = () => this.s.credentials(ns).deleteOne({ _id: name });
    const { deletedCount } = await this.s.exclusive(CREDENTIAL_COLLECTIONS[ns], name, remove);
    if (deletedCount > 0) await this.s.bumpNames(ns);
    return this.changed(deletedCount > 0);
  }

  async listCredentialNames(ns: Namespace) {
    const cursor = this.s.credentials(ns).find({}, { projection: { filename: 1 } });
    const docs = await cursor.sort(INSERTION_ORDER).toArray();
    return docs.map((doc) => doc.filename ?? doc._id);
  }

  readRotationState(ns: Namespace, options: { now: number; namesMark?: string | null }) {
    return readRotationState(this.s, ns, options);
  }

  async getState(
    ns: Namespace,
    name: string,
    now = this.nowSeconds(),
  ): Promise<CredentialState | null> {
    const projection = STATE_PROJECTION;
    const doc = await this.s.credentials(ns).findOne({ _id: name }, { projection });
    return doc ? toState(doc, now) : null;
  }

  async updateState(ns: Namespace, name: string, patch: CredentialStatePatch) {
    const $set: Partial<CredentialDoc> = {};
    if (patch.disabled !== undefined) $set.disabled = patch.disabled;
    if (patch.userEmail !== undefined) $set.user_email = patch.userEmail;
    if (patch.lastSuccess !== undefined) $set.last_success = patch.lastSuccess;
    if (patch.problem !== undefined) $set.problem = patch.problem;
    if (Object.keys($set).length === 0) {
      const projection = { _id: 1 };
      return (await this.s.credentials(ns).findOne({ _id: name }, { projection })) !== null;
    }
    const update = { $set: { ...$set, updated_at: this.nowSeconds() } };
    return this.changed(await this.update(ns, name, update));
  }

  async setModelCooldown(ns: Namespace, name: string, modelKey: string, until: number | null) {
    const path = cooldownPath(modelKey);
    const updatedAt = { updated_at: this.nowSeconds() };
    const update =
      until === null
        ? { $unset: { [path]: '' as const }, $set: updatedAt }
        : { $set: { [path]: until, ...updatedAt } };
    return this.changed(await this.update(ns, name, update));
  }

  async recordSuccess(ns: Namespace, name: string, input: RecordSuccessInput = {}) {
    const update: mongo.UpdateFilter<CredentialDoc> = {
      $set: { last_success: input.at ?? this.nowSeconds(), error_codes: [] },
      $inc: { call_count: input.count ?? 1 },
    };
    if (input.modelKey !== undefined) update.$unset = { [cooldownPath(input.modelKey)]: '' };
    return this.update(ns, name, update);
  }

  async recordFailure(ns: Namespace, name: string, input: RecordFailureInput) {
    const recorded = await recordFailure(this.s, ns, name, input, this.rules.errorCodesKept);
    return input.modelKey === undefined ? recorded : this.changed(recorded);
  }

  async restoreStates(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; state: CredentialState }>,
  ) {
    await restoreStates(this.s, ns, items);
    await this.s.bump();
  }

  async summarize(ns: Namespace, query: SummaryQuery = {}): Promise<CredentialSummaryPage> {
    return summarizeCredentials(this.s.credentials(ns), query);
  }

  async getConfig(key: string) {
    return this.open().config.get(key);
  }

  async setConfig(key: string, value: unknown) {
    await this.open().config.set(key, value);
    await this.s.bump();
  }

  async deleteConfig(key: string) {
    return this.changed(await this.open().config.delete(key));
  }

  /**
   * Not atomic here (FerretDB has no transactions): keys are written one by one, in order, and a
   * failure part-way leaves the earlier ones written. The marker is bumped even then, so other
   * processes reload whatever did change.
   */
  async updateConfig(set: Record<string, unknown>, remove: readonly string[] = []) {
    if (Object.keys(set).length + remove.length === 0) return;
    try {
      await this.open().config.update(set, remove);
    } catch (err) {
      // The write's error is the one to report; a failed bump here adds nothing.
      await this.s.bump().catch(() => {});
      throw err;
    }
    await this.s.bump();
  }

  async getAllConfig() {
    return this.open().config.all();
  }

  async setEntry(key: string, value: string, ttlMs: number) {
    await this.open().entries.set(key, value, ttlMs);
  }

  async setEntryIfAbsent(key: string, value: string, ttlMs: number) {
    return this.open().entries.setIfAbsent(key, value, ttlMs);
  }

  async getEntry(key: string) {
    return this.open().entries.get(key);
  }

  async deleteEntry(key: string, expected?: string) {
    return this.open().entries.delete(key, expected);
  }

  async incrementUsage(increments: readonly UsageIncrement[]) {
    await mongoUsage.increment(this.s, increments);
  }
  async listUsage(filter: UsageFilter = {}) {
    return mongoUsage.list(this.s.db, filter);
  }
  async deleteUsage(filter: UsageFilter = {}) {
    await mongoUsage.delete(this.s.db, filter);
  }

  async changeVersion() {
    return this.s.version();
  }

  /** The open session; closed (or never connected) is a StorageUnavailableError. */
  private get s(): MongoSession {
    return this.open().session;
  }

  private open() {
    if (!this.opened) {
      const message = `${MONGODB_BACKEND_NAME} storage is closed (or was never connected)`;
      throw new StorageUnavailableError(message, this.kind);
    }
    // Without this, every call would wait out server selection while the server is away.
    if (!this.opened.session.reachable) {
      const message = `${MONGODB_BACKEND_NAME} server is not reachable; reconnecting`;
      throw new StorageUnavailableError(message, this.kind);
    }
    return this.opened;
  }

  /** One atomic update of a credential, queued behind this process's other writes to it. */
  private async update(ns: Namespace, name: string, update: mongo.UpdateFilter<CredentialDoc>) {
    const write = () => this.s.credentials(ns).updateOne({ _id: name }, update);
    return (await this.s.exclusive(CREDENTIAL_COLLECTIONS[ns], name, write)).matchedCount > 0;
  }

  /** Raises the change marker when `changed`; passes `changed` on. */
  private async changed(changed: boolean): Promise<boolean> {
    if (changed) await this.s.bump();
    return changed;
  }
}
