import { type ServerHandle, startFerret, startPostgres, startRedis } from '../test/support/servers';

/** The servers one bench run talks to; an unwanted one has an empty URL. */
export interface BenchServers {
  redis: string;
  postgres: string;
  mongodb: string;
  /** Whether BENCH_ONLY (comma-separated backend kinds) lets `kind` run; all run by default. */
  wanted(kind: string): boolean;
  /** Stops the servers this run started. */
  dispose(): Promise<void>;
}

/**
 * Starts the servers the wanted backends need, in parallel, unless BENCH_REDIS_URL,
 * BENCH_POSTGRES_DSN (an admin DSN) or BENCH_MONGODB_URI name running ones.
 */
export async function benchServers(): Promise<BenchServers> {
  const only = process.env.BENCH_ONLY?.split(',');
  const wanted = (kind: string) => !only || only.includes(kind);
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
    const [redis, postgres, mongodb] = await Promise.all([
      url('valkey', process.env.BENCH_REDIS_URL, () => startRedis()),
      url('postgresql', process.env.BENCH_POSTGRES_DSN, () => startPostgres()),
      url('mongodb', process.env.BENCH_MONGODB_URI, () => startFerret()),
    ]);
    return { redis, postgres, mongodb, wanted, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
