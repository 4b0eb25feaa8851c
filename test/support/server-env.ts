/** The servers the global setup publishes, by the name used in skip notices. */
const SERVERS = {
  redis: { url: 'TEST_REDIS_URL', unavailable: 'TEST_REDIS_UNAVAILABLE' },
  'redis-cluster': { url: 'TEST_REDIS_CLUSTER_URL', unavailable: 'TEST_REDIS_CLUSTER_UNAVAILABLE' },
  postgres: { url: 'TEST_POSTGRES_DSN', unavailable: 'TEST_POSTGRES_UNAVAILABLE' },
  mongodb: { url: 'TEST_MONGODB_URI', unavailable: 'TEST_MONGODB_UNAVAILABLE' },
} as const;

export type ServerName = keyof typeof SERVERS;

/** The published URL of a server, or why it is not there. */
export function serverUrl(name: ServerName): { url?: string; reason?: string } {
  const { url, unavailable } = SERVERS[name];
  const value = process.env[url];
  if (value) return { url: value };
  return { reason: process.env[unavailable] ?? `${url} is not set` };
}

/**
 * `describe` when every named server is there; otherwise `describe.skip` with one loud notice,
 * or a failure under STORAGE_TEST_REQUIRE_ALL=1.
 */
export function describeWithServers(names: ServerName[]): jest.Describe {
  const missing = names
    .map((name) => ({ name, reason: serverUrl(name).reason }))
    .filter((entry) => entry.reason !== undefined);
  if (missing.length === 0) return describe;
  const text = missing.map((m) => `${m.name}: ${m.reason}`).join('; ');
  if (process.env.STORAGE_TEST_REQUIRE_ALL === '1') {
    throw new Error(`required servers are unavailable (STORAGE_TEST_REQUIRE_ALL=1): ${text}`);
  }
  process.stderr.write(`\n!!! SKIPPING suites that need ${text}\n\n`);
  return describe.skip;
}
