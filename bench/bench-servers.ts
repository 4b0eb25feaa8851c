import { startRedisCluster } from '../test/support/redis-cluster-server';
import { type ServerHandle, startFerret, startPostgres, startRedis } from '../test/support/servers';

/** The servers one bench run talks to; an unwanted one has an empty URL. */
export interface BenchServers {
  redis: string;
  /** A `redis+cluster://` URL of a local 3-master cluster; empty unless asked for. */
  redisCluster: string;
  postgres: string;
  mongodb: string;
  /** Whether BENCH_ONLY (comma-separated backend kinds) lets `kind` run; all run by default. */
  wanted(kind: string): boolean;
  /** Stops the servers this run started. */
  dispose(): Promise<void>;
}

/**
 * Starts the servers the wanted backends need, in parallel, unless BENCH_REDIS_URL,
 * BENCH_REDIS_CLUSTER_URL, BENCH_POSTGRES_DSN (an admin DSN) or BENCH_MONGODB_URI name running
 * ones.
 */
export async function benchServers(options: { cluster?: boolean } = {}): Promise<BenchServers> {
  const only = process.env.BENCH_ONLY?.split(',');
  const wanted = (kind: string) => !only || only.includes(kind);
  /** The first of `kinds` that is wanted, else the first: a server any of them needs. */
  const kindWanted = (...kinds: string[]) => kinds.find(wanted) ?? kinds[0];
  const servers: ServerHandle[] = [];
  const dispose = async () => {
    for (const server of servers.splice(0)) await server.dispose();
  };
  const url = async (
    kind: string,
    given: string | undefined,
    start: () => Promise<ServerHandle>,
  ) => {
    if (given || !wanted(kind)) return given ?? '';
    const server = await start();
    servers.push(server);
    return server.url;
  };
  try {
    const [redis, redisCluster, postgres, mongodb] = await Promise.all([
      // The cluster is measured against a single server and the tier runs on one: both need it.
      url(kindWanted('valkey', 'valkey-cluster', 'tier'), process.env.BENCH_REDIS_URL, () =>
        startRedis(),
      ),
      options.cluster
        ? url('valkey-cluster', process.env.BENCH_REDIS_CLUSTER_URL, () => startRedisCluster())
        : '',
      url(kindWanted('postgresql', 'tier'), process.env.BENCH_POSTGRES_DSN, () => startPostgres()),
      url('mongodb', process.env.BENCH_MONGODB_URI, () => startFerret()),
    ]);
    return { redis, redisCluster, postgres, mongodb, wanted, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
