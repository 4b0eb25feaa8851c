/** How a Valkey/Redis URL becomes an ioredis client: one server, or a cluster from seed nodes. */
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { StorageError } from '../../storage.errors';

/** What the backend talks to: one server, or a cluster (commands routed by key slot). */
export type RedisClient = Redis | Cluster;

/** The URL schemes that ask for a cluster; `rediss+cluster:` connects to every node over TLS. */
const CLUSTER_SCHEMES = ['redis+cluster:', 'rediss+cluster:'];

/** Upper bound of the wait between reconnection attempts, in milliseconds. */
const MAX_BACKOFF_MS = 5_000;

/** Where a URL points: one server or the seed nodes of a cluster. */
export interface RedisTarget {
  cluster: boolean;
  tls: boolean;
  /** host:port of the server, or of every seed node (the URL's host, then each `addr`). */
  nodes: Array<{ host: string; port: number }>;
  /** The database number; a cluster has only 0. */
  database: number;
}

/** `host:port` of the server, or of every seed node, comma-separated (IPv6 in brackets). */
export const nodeList = (target: RedisTarget) =>
  target.nodes
    .map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`))
    .join(',');

/** Whether the URL asks for a cluster (`redis+cluster://` or `rediss+cluster://`). */
export const isClusterUrl = (url: string) =>
  CLUSTER_SCHEMES.some((scheme) => url.toLowerCase().startsWith(`${scheme}//`));

/**
 * Reads a `redis://`, `rediss://`, `redis+cluster://` or `rediss+cluster://` URL. A cluster URL
 * names one seed node as its host and may name more as `addr` query parameters (as go-redis
 * does): `redis+cluster://:pw@10.0.0.1:7000?addr=10.0.0.2:7000&addr=10.0.0.3:7000`. One seed is
 * enough once the cluster is up; more let the gateway start while that one is down.
 */
export function parseRedisTarget(text: string): RedisTarget {
  const url = URL.canParse(text) ? new URL(text) : new URL('redis://invalid');
  const cluster = CLUSTER_SCHEMES.includes(url.protocol);
  const addrs = cluster ? url.searchParams.getAll('addr') : [];
  const nodes = [`${url.hostname}:${url.port || 6379}`, ...addrs].map((addr) => {
    const at = addr.lastIndexOf(':');
    const host = at > 0 ? addr.slice(0, at) : addr;
    return { host: host.replace(/^\[|\]$/g, ''), port: at > 0 ? Number(addr.slice(at + 1)) : 6379 };
  });
  return {
    cluster,
    tls: url.protocol.startsWith('rediss'),
    nodes,
    database: Number(url.pathname.slice(1) || 0),
  };
}

/** Timeouts, and what to do to a client before it connects (define scripts). */
export interface OpenOptions {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  prepare(client: RedisClient): void;
}

/**
 * A connected client, checked to be what the URL says (one server or a cluster), or the reason
 * it is not: the server's own error where ioredis kept one. A failed first connection is final;
 * after a good start a lost connection is retried with capped backoff.
 */
export async function openRedisClient(text: string, options: OpenOptions): Promise<RedisClient> {
  const timeoutMs = options.connectTimeoutMs;
  const target = parseRedisTarget(text);
  if (target.cluster && target.database !== 0) {
    throw new StorageError('a cluster has only database 0: leave the path out of the URL');
  }
  let started = false;
  let cause: unknown;
  const client = createClient(text, options, () => started);
  // Errors reach callers through rejected commands; without a listener ioredis would crash.
  client.on('error', (err: unknown) => (cause = clientFailure(err)));
  client.on('node error', (err: unknown) => (cause = err));
  options.prepare(client);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect().then(() => checkMode(client, target.cluster)), deadline]);
    // ioredis reports a failed AUTH or SELECT (db out of range) only as an 'error' event.
    if (cause) throw cause;
  } catch (err) {
    // An ended client holds nothing; disconnect() would only leave a 2 s timer behind.
    if (client.status !== 'end') client.disconnect();
    throw cause ?? err;
  } finally {
    clearTimeout(timer);
  }
  started = true;
  return client;
}

/** A client that has not connected yet. */
function createClient(text: string, options: OpenOptions, reconnect: () => boolean): RedisClient {
  const target = parseRedisTarget(text);
  const backoff = (times: number) =>
    reconnect() ? Math.min(100 * 2 ** times, MAX_BACKOFF_MS) : null;
  const common: RedisOptions = {
    connectTimeout: options.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    ...(target.tls ? { tls: {} } : {}),
  };
  if (!target.cluster) {
    return new Redis(text, {
      ...common,
      lazyConnect: true,
      // While the server is away commands fail at once instead of waiting in a queue.
      enableOfflineQueue: false,
      retryStrategy: backoff,
    });
  }
  const url = new URL(text);
  return new Cluster(target.nodes, {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: backoff,
    slotsRefreshTimeout: options.connectTimeoutMs,
    redisOptions: {
      ...common,
      username: decodeURIComponent(url.username) || undefined,
      password: decodeURIComponent(url.password) || undefined,
    },
  });
}

/**
 * Refuses a cluster node named by a plain URL (its commands would answer MOVED for most keys)
 * and a plain server named by a cluster URL, saying what to write instead.
 */
async function checkMode(client: RedisClient, cluster: boolean): Promise<void> {
  const isCluster = /cluster_enabled:1/.test(await client.info('cluster'));
  if (isCluster === cluster) return;
  throw new StorageError(
    isCluster
      ? 'the server is a cluster node: write the URL as redis+cluster:// (or rediss+cluster://)'
      : 'the server is not a cluster node: write the URL as redis:// (or rediss://)',
  );
}

/** The cause worth showing when a cluster client failed: the last node's error, if it kept one. */
function clientFailure(err: unknown): unknown {
  const nodeError = (err as { lastNodeError?: unknown } | undefined)?.lastNodeError;
  return nodeError ?? err;
}

/**
 * Resolves when the cluster serves every slot; otherwise throws (an Error, so the backend calls
 * it "unavailable"), with the state the node reports.
 */
export async function clusterOk(client: RedisClient): Promise<void> {
  const info = String(await client.call('CLUSTER', 'INFO'));
  const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
  if (state !== 'ok') throw new Error(`the cluster state is ${state}: some slots are not served`);
}

/**
 * The server refused the command itself (a script error, a wrong type), so it is no outage; a
 * cluster that is down or moving slots (CLUSTERDOWN, TRYAGAIN) is one, though it also answers
 * with a reply error.
 */
export function isReplyError(err: unknown): boolean {
  if ((err as Error | undefined)?.name !== 'ReplyError') return false;
  return !/^(CLUSTERDOWN|TRYAGAIN)\b/.test((err as Error).message);
}
