import { readRotationState as readRotationStateOf } from './redis/rotation-state';
import { redactSecrets, redactUrl } from '../../common/redact-url';
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
import { StorageError, StorageUnavailableError } from '../storage.errors';
import {
  credentialKeys,
  type CredentialKeys,
  decodeState,
  sharedKeys,
  type SharedKeys,
} from './redis/keys';
import { classifyRedisError } from './redis/redis-errors';
import {
  clusterOk,
  isReplyError,
  nodeList,
  openRedisClient,
  parseRedisTarget,
  type RedisClient,
  type RedisTarget,
} from './redis/client';
import { upgradeIndexes } from './redis/index-upgrade';
import { defineScripts, exec, SCRIPTS } from './redis/scripts';
import { readSummary } from './redis/summary';
import { redisUsage } from './redis/usage';

import { secondsOf, type StorageClock, SYSTEM_CLOCK } from '../storage-clock';
import { STORAGE_RULES, type StorageRules } from '../storage-rules';

import { REDIS_BACKEND_NAME } from '../backend-names';

export { REDIS_BACKEND_NAME };

export interface RedisBackendOptions {
  /**
   * `redis://[user:password@]host[:port][/db]`; `rediss://` connects over TLS. A cluster:
   * `redis+cluster://[user:password@]host:port[?addr=host:port...]` (see redis/client.ts).
   */
  url: string;
  /** Put before every key, so several gateways (or tests) can share one server. Default `gcli:`. */
  keyPrefix?: string;
  /** How long `connect()` waits for the connection and a PING, in milliseconds. Default 10000. */
  connectTimeoutMs?: number;
  /** How long one command may take before it fails, in milliseconds. Default 10000. */
  commandTimeoutMs?: number;
  /** The rotation rules to enforce (how many error codes to keep...). Default STORAGE_RULES. */
  rules?: StorageRules;
  /** Where "now" comes from (entry expiry, default cooldown time). Default the system clock. */
  clock?: StorageClock;
}

/** Credentials written per script call by a bulk upsert; keeps each call's server time short. */
const UPSERT_CHUNK = 1_000;

const CLOSED = `${REDIS_BACKEND_NAME} storage is closed (or was never connected)`;

/**
 * Valkey or Redis over one ioredis connection, or a Valkey/Redis Cluster. Data and state live in
 * separate keys, a ZSET keeps insertion order, indexes answer the summary's filters, and every
 * read-modify-write is a Lua script that keeps them in step (see redis/keys.ts, redis/scripts.ts,
 * redis/summary.ts). On a cluster each namespace, the settings and the usage counters are one
 * hash-tagged group each, so every script and MULTI stays in one slot.
 */
export class RedisBackend implements StorageBackend {
  readonly kind = 'valkey' as const;
  readonly classifyError = classifyRedisError;
  private client?: RedisClient;
  private readonly url: URL;
  private readonly target: RedisTarget;
  private readonly prefix: string;
  private readonly shared: SharedKeys;
  private readonly creds: Record<Namespace, CredentialKeys>;
  private readonly usage: ReturnType<typeof redisUsage>;
  private readonly rules: StorageRules;
  private readonly nowSeconds: () => number;

  constructor(private readonly options: RedisBackendOptions) {
    const prefix = (this.prefix = options.keyPrefix ?? 'gcli:');
    this.rules = options.rules ?? STORAGE_RULES;
    this.nowSeconds = secondsOf(options.clock ?? SYSTEM_CLOCK);
    this.url = URL.canParse(options.url) ? new URL(options.url) : new URL('redis://invalid');
    // Hash tags only on a cluster: a single server keeps the key names it always had.
    const { cluster } = (this.target = parseRedisTarget(options.url));
    this.shared = sharedKeys(prefix, cluster);
    this.usage = redisUsage(prefix, cluster);
    this.creds = {
      geminicli: credentialKeys(prefix, 'geminicli', cluster),
      antigravity: credentialKeys(prefix, 'antigravity', cluster),
    };
  }

  async connect(): Promise<void> {
    await this.close();
    if (this.target.cluster && /[{}]/.test(this.prefix)) {
      throw new StorageError(`a cluster key prefix may not hold { or }: they make hash tags`);
    }
    try {
      this.client = await openRedisClient(this.options.url, {
        connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
        commandTimeoutMs: this.options.commandTimeoutMs ?? 10_000,
        prepare: defineScripts,
      });
    } catch (err) {
      throw this.unavailable(`cannot connect to ${REDIS_BACKEND_NAME} at`, err);
    }
    try {
      // Data written by a version with the older index layout is indexed before anything reads it.
      for (const k of Object.values(this.creds)) {
        await this.run((c) => upgradeIndexes(c, k, (names) => SCRIPTS.indexBackfill(c, k, names)));
      }
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.quit().catch(() => client.disconnect());
  }

  async ping(): Promise<void> {
    // A cluster node answers PING even while the cluster refuses every key (a master is down).
    await this.run(async (c) => void (this.target.cluster ? await clusterOk(c) : await c.ping()));
  }

  async info(): Promise<BackendInfo> {
    const { geminicli: g, antigravity: a } = this.creds;
    // Three slots on a cluster: three commands, not one MULTI.
    const [geminicli, antigravity, config] = await this.run((c) =>
      Promise.all([c.zcard(g.index), c.zcard(a.index), c.hlen(this.shared.config)]),
    );
    const { tls } = this.target;
    return {
      kind: this.kind,
      target: redactUrl(this.options.url),
      host: nodeList(this.target),
      database: this.url.pathname.slice(1) || '0',
      tls,
      ...(this.target.cluster ? { cluster: true } : {}),
      counts: { geminicli, antigravity, config },
    };
  }

  async upsertCredential(ns: Namespace, name: string, data: CredentialData) {
    const { created } = await this.upsertCredentials(ns, [{ name, data }]);
    return { created: created > 0 };
  }

  async upsertCredentials(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; data: CredentialData }>,
  ) {
    // A Map keeps each name's first position and its last data: later duplicates win.
    const unique = [...new Map(items.map((item) => [item.name, item.data]))];
    let created = 0;
    for (let i = 0; i < unique.length; i += UPSERT_CHUNK) {
      const chunk = unique.slice(i, i + UPSERT_CHUNK);
      created += await this.run((c) => SCRIPTS.upsert(c, this.creds[ns], chunk));
    }
    return { created, updated: unique.length - created };
  }

  async updateCredentialData(ns: Namespace, name: string, data: CredentialData) {
    const json = JSON.stringify(data);
    // XX: only an existing credential's data is replaced; no marker is raised.
    return (await this.run((c) => c.set(this.creds[ns].data(name), json, 'XX'))) === 'OK';
  }

  async getCredential(ns: Namespace, name: string) {
    const json = await this.run((c) => c.get(this.creds[ns].data(name)));
    return json === null ? null : (JSON.parse(json) as CredentialData);
  }

  async getCredentials(ns: Namespace, names: readonly string[]) {
    const found = new Map<string, CredentialData>();
    if (names.length === 0) return found;
    // One MGET: the data keys of a namespace share a hash tag, so a cluster serves it too.
    const keys = names.map((name) => this.creds[ns].data(name));
    const values = await this.run((c) => c.mget(keys));
    values.forEach((json, i) => {
      if (json !== null) found.set(names[i], JSON.parse(json) as CredentialData);
    });
    return found;
  }

  async deleteCredential(ns: Namespace, name: string) {
    return this.run((c) => SCRIPTS.delete(c, this.creds[ns], name));
  }

  async listCredentialNames(ns: Namespace) {
    return this.run((c) => c.zrange(this.creds[ns].index, 0, -1));
  }

  async readRotationState(ns: Namespace, options: { now: number; namesMark?: string | null }) {
    return this.run((c) => readRotationStateOf(c, this.creds[ns], options));
  }

  async getState(
    ns: Namespace,
    name: string,
    now = this.nowSeconds(),
  ): Promise<CredentialState | null> {
    return decodeState(await this.run((c) => c.hgetall(this.creds[ns].state(name))), now);
  }

  async updateState(ns: Namespace, name: string, patch: CredentialStatePatch) {
    return this.run((c) => SCRIPTS.updateState(c, this.creds[ns], name, patch));
  }

  async setModelCooldown(ns: Namespace, name: string, modelKey: string, until: number | null) {
    return this.run((c) => SCRIPTS.setCooldown(c, this.creds[ns], name, modelKey, until));
  }

  async recordSuccess(ns: Namespace, name: string, input: RecordSuccessInput = {}) {
    const at = input.at ?? this.nowSeconds();
    const { modelKey, count = 1 } = input;
    return this.run((c) => SCRIPTS.recordSuccess(c, this.creds[ns], name, at, count, modelKey));
  }

  async recordFailure(ns: Namespace, name: string, input: RecordFailureInput) {
    return this.run((c) => SCRIPTS.recordFailure(c, this.creds[ns], name, input, this.rules));
  }

  async restoreStates(
    ns: Namespace,
    items: ReadonlyArray<{ name: string; state: CredentialState }>,
  ) {
    for (let i = 0; i < items.length; i += UPSERT_CHUNK) {
      const chunk = items.slice(i, i + UPSERT_CHUNK);
      await this.run((c) => SCRIPTS.restoreStates(c, this.creds[ns], chunk));
    }
  }

  async summarize(ns: Namespace, query: SummaryQuery = {}): Promise<CredentialSummaryPage> {
    const now = query.now ?? this.nowSeconds();
    return this.run((c) => readSummary(c, this.creds[ns], { ...query, now }));
  }

  async getConfig(key: string) {
    const json = await this.run((c) => c.hget(this.shared.config, key));
    return json === null ? undefined : (JSON.parse(json) as unknown);
  }

  async setConfig(key: string, value: unknown) {
    const { config, version } = this.shared;
    await this.run((c) => exec(c.multi().hset(config, key, JSON.stringify(value)).incr(version)));
  }

  async deleteConfig(key: string) {
    return this.run((c) => SCRIPTS.deleteConfig(c, this.shared, key));
  }

  async updateConfig(set: Record<string, unknown>, remove: readonly string[] = []) {
    const { config, version } = this.shared;
    const fields = Object.entries(set).flatMap(([key, value]) => [key, JSON.stringify(value)]);
    if (fields.length + remove.length === 0) return;
    await this.run((c) => {
      const multi = c.multi();
      if (fields.length > 0) multi.hset(config, ...fields);
      if (remove.length > 0) multi.hdel(config, ...remove);
      return exec(multi.incr(version));
    });
  }

  async getAllConfig() {
    const hash = await this.run((c) => c.hgetall(this.shared.config));
    return Object.fromEntries(Object.entries(hash).map(([key, json]) => [key, JSON.parse(json)]));
  }

  async setEntry(key: string, value: string, ttlMs: number) {
    await this.run((c) => c.set(this.shared.entry(key), value, 'PX', ttlMs));
  }

  async setEntryIfAbsent(key: string, value: string, ttlMs: number) {
    const reply = await this.run((c) => c.set(this.shared.entry(key), value, 'PX', ttlMs, 'NX'));
    return reply === 'OK';
  }

  async getEntry(key: string) {
    return this.run((c) => c.get(this.shared.entry(key)));
  }

  async deleteEntry(key: string, expected?: string) {
    const entry = this.shared.entry(key);
    if (expected === undefined) return (await this.run((c) => c.del(entry))) > 0;
    return this.run((c) => SCRIPTS.deleteEntryIf(c, this.shared, key, expected));
  }

  async incrementUsage(increments: readonly UsageIncrement[]) {
    await this.run((c) => this.usage.increment(c, increments));
  }
  async listUsage(filter: UsageFilter = {}) {
    return this.run((c) => this.usage.list(c, filter));
  }
  async deleteUsage(filter: UsageFilter = {}) {
    await this.run((c) => this.usage.delete(c, filter));
  }

  async changeVersion() {
    // On a cluster each slot group counts its own changes; their sum moves whenever one does.
    const keys = [
      ...new Set([this.shared.version, ...Object.values(this.creds).map((k) => k.version)]),
    ];
    const counts = await this.run((c) => Promise.all(keys.map((key) => c.get(key))));
    return counts.reduce((sum, count) => sum + Number(count ?? 0), 0);
  }

  /** Runs commands on the open client; any failure but a reply error or bad JSON is "unavailable". */
  private async run<T>(op: (client: RedisClient) => Promise<T>): Promise<T> {
    const client = this.client;
    if (!client) throw new StorageUnavailableError(CLOSED, 'valkey');
    try {
      return await op(client);
    } catch (err) {
      const passOn = err instanceof StorageError || err instanceof SyntaxError;
      if (passOn || isReplyError(err)) throw err;
      throw this.unavailable(`${REDIS_BACKEND_NAME} storage (${client.status}) failed at`, err);
    }
  }

  private unavailable(what: string, err: unknown): StorageUnavailableError {
    let reason = redactSecrets(err instanceof Error ? err.message : String(err));
    const password = decodeURIComponent(this.url.password);
    if (password) reason = reason.split(password).join('***');
    return new StorageUnavailableError(
      `${what} ${redactUrl(this.options.url)}: ${reason}`,
      'valkey',
    );
  }
}
