import Redis from 'ioredis';
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
import { defineScripts, exec, SCRIPTS } from './redis/scripts';
import { readSummary } from './redis/summary';
import { redisUsage } from './redis/usage';

import { secondsOf, type StorageClock, SYSTEM_CLOCK } from '../storage-clock';
import { STORAGE_RULES, type StorageRules } from '../storage-rules';

export const REDIS_BACKEND_NAME = 'Valkey/Redis';

export interface RedisBackendOptions {
  /** `redis://[user:password@]host[:port][/db]`; `rediss://` connects over TLS. */
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

/** Upper bound of the wait between reconnection attempts, in milliseconds. */
const MAX_BACKOFF_MS = 5_000;
/** Credentials written per script call by a bulk upsert; keeps each call's server time short. */
const UPSERT_CHUNK = 1_000;

const CLOSED = `${REDIS_BACKEND_NAME} storage is closed (or was never connected)`;

/**
 * Valkey or Redis over one ioredis connection. Data and state live in separate keys, a ZSET keeps
 * insertion order, indexes answer the summary's filters, and every read-modify-write is a Lua
 * script that keeps them in step (see redis/keys.ts, redis/scripts.ts, redis/summary.ts).
 */
export class RedisBackend implements StorageBackend {
  readonly kind = 'valkey' as const;
  readonly capabilities = { indexedStateFilters: true };
  readonly classifyError = classifyRedisError;
  private client?: Redis;
  private readonly url: URL;
  private readonly shared: SharedKeys;
  private readonly creds: Record<Namespace, CredentialKeys>;
  private readonly usage: ReturnType<typeof redisUsage>;
  private readonly rules: StorageRules;
  private readonly nowSeconds: () => number;

  constructor(private readonly options: RedisBackendOptions) {
    const prefix = options.keyPrefix ?? 'gcli:';
    this.rules = options.rules ?? STORAGE_RULES;
    this.nowSeconds = secondsOf(options.clock ?? SYSTEM_CLOCK);
    this.url = URL.canParse(options.url) ? new URL(options.url) : new URL('redis://invalid');
    this.shared = sharedKeys(prefix);
    this.usage = redisUsage(prefix);
    this.creds = {
      geminicli: credentialKeys(prefix, 'geminicli'),
      antigravity: credentialKeys(prefix, 'antigravity'),
    };
  }

  async connect(): Promise<void> {
    await this.close();
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    let started = false;
    let cause: unknown;
    const client = new Redis(this.options.url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: this.options.commandTimeoutMs ?? 10_000,
      // While the server is away commands fail at once instead of waiting in a queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // A failed first connection is final; after a good start, reconnect with capped backoff.
      retryStrategy: (times) => (started ? Math.min(100 * 2 ** times, MAX_BACKOFF_MS) : null),
      ...(this.url.protocol === 'rediss:' ? { tls: {} } : {}),
    });
    // Errors reach callers through rejected commands; without a listener ioredis would crash.
    client.on('error', (err: unknown) => (cause = err));
    defineScripts(client);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([client.connect().then(() => client.ping()), deadline]);
      // ioredis reports a failed AUTH or SELECT (db out of range) only as an 'error' event.
      if (cause) throw cause;
    } catch (err) {
      // An ended client holds nothing; disconnect() would only leave a 2 s timer behind.
      if (client.status !== 'end') client.disconnect();
      throw this.unavailable(`cannot connect to ${REDIS_BACKEND_NAME} at`, cause ?? err);
    } finally {
      clearTimeout(timer);
    }
    started = true;
    this.client = client;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.quit().catch(() => client.disconnect());
  }

  async ping(): Promise<void> {
    await this.run((c) => c.ping());
  }

  async info(): Promise<BackendInfo> {
    const { geminicli: g, antigravity: a } = this.creds;
    const counts = await this.run((c) =>
      exec(c.multi().zcard(g.index).zcard(a.index).hlen(this.shared.config)),
    );
    const [geminicli, antigravity, config] = counts as number[];
    return {
      kind: this.kind,
      target: redactUrl(this.options.url),
      host: `${this.url.hostname}:${this.url.port || 6379}`,
      database: this.url.pathname.slice(1) || '0',
      tls: this.url.protocol === 'rediss:',
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

  async deleteCredential(ns: Namespace, name: string) {
    return this.run((c) => SCRIPTS.delete(c, this.creds[ns], name));
  }

  async listCredentialNames(ns: Namespace) {
    return this.run((c) => c.zrange(this.creds[ns].index, 0, -1));
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
    return this.run((c) => SCRIPTS.recordSuccess(c, this.creds[ns], name, at, input.modelKey));
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
    return Number((await this.run((c) => c.get(this.shared.version))) ?? 0);
  }

  /** Runs commands on the open client; any failure but a reply error or bad JSON is "unavailable". */
  private async run<T>(op: (client: Redis) => Promise<T>): Promise<T> {
    const client = this.client;
    if (!client) throw new StorageUnavailableError(CLOSED, 'valkey');
    try {
      return await op(client);
    } catch (err) {
      const passOn = err instanceof StorageError || err instanceof SyntaxError;
      if (passOn || (err as Error)?.name === 'ReplyError') throw err;
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
