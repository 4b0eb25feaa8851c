/**
 * Jest global setup: starts redis, a 3-master redis cluster, PostgreSQL and FerretDB once per run
 * and publishes their URLs as TEST_REDIS_URL, TEST_REDIS_CLUSTER_URL, TEST_POSTGRES_DSN and
 * TEST_MONGODB_URI. A variable that is already set is
 * used as given. A server that cannot start is reported in TEST_<NAME>_UNAVAILABLE so its suites
 * can skip, unless STORAGE_TEST_REQUIRE_ALL=1, which fails the run instead.
 */
import { startRedisCluster } from './redis-cluster-server';
import { startFerret, startPostgres, startRedis, type ServerHandle } from './servers';

declare global {
  /** Servers started by global setup, stopped by global teardown (same Jest process). */
  var __GCLI_SERVERS__: ServerHandle[] | undefined;
}

interface Service {
  readonly name: string;
  readonly urlVar: string;
  readonly unavailableVar: string;
  readonly start: () => Promise<ServerHandle>;
}

interface Failure {
  readonly service: Service;
  readonly reason: string;
}

const SERVICES: readonly Service[] = [
  {
    name: 'redis',
    urlVar: 'TEST_REDIS_URL',
    unavailableVar: 'TEST_REDIS_UNAVAILABLE',
    start: startRedis,
  },
  {
    name: 'redis-cluster',
    urlVar: 'TEST_REDIS_CLUSTER_URL',
    unavailableVar: 'TEST_REDIS_CLUSTER_UNAVAILABLE',
    start: startRedisCluster,
  },
  {
    name: 'postgres',
    urlVar: 'TEST_POSTGRES_DSN',
    unavailableVar: 'TEST_POSTGRES_UNAVAILABLE',
    start: startPostgres,
  },
  {
    name: 'mongodb',
    urlVar: 'TEST_MONGODB_URI',
    unavailableVar: 'TEST_MONGODB_UNAVAILABLE',
    start: startFerret,
  },
];

/** Starts the servers whose URL variable is not set yet, in parallel. */
export default async function globalSetup(): Promise<void> {
  const wanted = SERVICES.filter((service) => !process.env[service.urlVar]);
  const results = await Promise.allSettled(wanted.map((service) => service.start()));
  const started: ServerHandle[] = [];
  const failures: Failure[] = [];
  results.forEach((result, index) => {
    const service = wanted[index];
    if (result.status === 'fulfilled') {
      started.push(result.value);
      process.env[service.urlVar] = result.value.url;
      delete process.env[service.unavailableVar];
    } else {
      failures.push({ service, reason: reasonOf(result.reason) });
    }
  });
  globalThis.__GCLI_SERVERS__ = [...(globalThis.__GCLI_SERVERS__ ?? []), ...started];
  if (failures.length > 0 && process.env.STORAGE_TEST_REQUIRE_ALL === '1') {
    await Promise.allSettled(started.map((server) => server.dispose()));
    globalThis.__GCLI_SERVERS__ = undefined;
    throw new Error(
      `STORAGE_TEST_REQUIRE_ALL=1 but some servers did not start:\n${failures.map(describe).join('\n')}`,
    );
  }
  failures.forEach(markUnavailable);
}

function markUnavailable({ service, reason }: Failure): void {
  process.env[service.unavailableVar] = reason;
  process.stderr.write(`\n!!! SKIPPING ${service.name} suites: ${reason}\n\n`);
}

function describe({ service, reason }: Failure): string {
  return `- ${service.name}: ${reason}`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
