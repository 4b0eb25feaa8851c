/**
 * The tiered storage (PostgreSQL with a Valkey cache, STORAGE_CACHE=valkey) next to what it is
 * measured against (issue 13): its hot reads next to Valkey alone, its writes next to PostgreSQL
 * alone, on the same servers, interleaved in one run. Targets: both within 1.3x. A tier write
 * sends its cache step while the primary writes and acknowledges when both answered, so it should
 * cost what the primary costs; writes are also shown next to the former way (PostgreSQL, then one
 * raw UNLINK). On a busy machine, BENCH_TIER_ROUNDS=5 repeats each comparison and reports the
 * median of the per-round ratios.
 *
 * BENCH_RTT_MS=0.5 (or 1, ...) puts a delay proxy (delay-proxy.ts) in front of both servers, half
 * the given round trip each way, for every client of the comparison alike: on localhost a Valkey
 * round trip is CPU, so only then does the tier's overlap of its cache step with the primary's
 * write show what it saves on a network (the former way pays the primary plus one round trip).
 * Writes are also shown next to the best such an overlap can do: the primary's write while one
 * PING runs (on localhost that alone costs 1.3-1.4x the primary's write on a 2-core box, since the
 * client, PostgreSQL and Valkey then all want a core at once).
 */
import Redis from 'ioredis';
import { PostgresBackend } from '../src/storage/backends/postgres.backend';
import { RedisBackend } from '../src/storage/backends/redis.backend';
import type { StorageBackend } from '../src/storage/storage-backend.interface';
import { CacheTier } from '../src/storage/tier/cache-tier';
import { TieredStorage } from '../src/storage/tier/tiered-storage';
import { ValidatedStorage } from '../src/storage/validated-storage';
import { createPostgresDatabase } from '../test/support/servers';
import { compareRounds, type MeasurePair } from './compare-rounds';
import { startDelayProxy } from './delay-proxy';

type Op = () => Promise<unknown>;

const NAME = 'bench-0042.json';

const open = async (backend: StorageBackend) => {
  const storage = new ValidatedStorage(backend);
  await storage.connect();
  return storage;
};

const reads = (s: StorageBackend): Record<string, Op> => ({
  getState: () => s.getState('geminicli', NAME),
  getCredential: () => s.getCredential('geminicli', NAME),
  getConfig: () => s.getConfig('calls_per_rotation'),
  getEntry: () => s.getEntry('panel-session:bench'),
});

const writes = (s: StorageBackend): Record<string, Op> => ({
  recordSuccess: () => s.recordSuccess('geminicli', NAME, { modelKey: 'pro' }),
  recordFailure: () => s.recordFailure('geminicli', NAME, { code: 500 }),
  updateState: () => s.updateState('geminicli', NAME, { userEmail: 'a@example.com' }),
  setConfig: () => s.setConfig('calls_per_rotation', 2),
});

/** Prints one table row per operation: the tier, its baseline, and their ratios. */
export async function benchTier(
  redisUrl: string,
  adminDsn: string,
  measure: MeasurePair,
  /** Writes the credentials and setting the operations use (the main bench's seed). */
  seed: (storage: StorageBackend) => Promise<void>,
  /** Rounds per comparison (BENCH_TIER_ROUNDS); the verdict is the median round's ratio. */
  rounds = Number(process.env.BENCH_TIER_ROUNDS ?? 1),
  rttMs = Number(process.env.BENCH_RTT_MS ?? 0),
) {
  const proxies =
    rttMs > 0
      ? await Promise.all([redisUrl, adminDsn].map((url) => startDelayProxy(url, rttMs / 2)))
      : [];
  if (proxies.length > 0) [redisUrl, adminDsn] = proxies.map((proxy) => proxy.url);
  const dsn = await createPostgresDatabase(adminDsn, `gcli_bench_tier_${process.pid}`);
  const prefix = `bench:${process.pid}:tier:`;
  const cache = new CacheTier({ url: redisUrl, keyPrefix: `${prefix}cache:` });
  const tier = await open(new TieredStorage(new PostgresBackend({ dsn }), cache));
  const postgres = await open(new PostgresBackend({ dsn }));
  const valkey = await open(new RedisBackend({ url: redisUrl, keyPrefix: `${prefix}alone:` }));
  const raw = new Redis(redisUrl);
  const floor =
    (op: Op): Op =>
    async () => {
      await op();
      await raw.unlink(`${prefix}floor:a`, `${prefix}floor:b`);
    };
  /** What the tier's overlap can at best cost: the primary's write and one round trip at once. */
  const overlap =
    (op: Op): Op =>
    () =>
      Promise.all([op(), raw.ping()]);
  try {
    for (const storage of [tier, valkey]) {
      await seed(storage);
      await storage.setEntry('panel-session:bench', 'binding', 3_600_000);
    }
    const added = rttMs > 0 ? `, ${rttMs} ms added round trip to each server` : '';
    console.log(`\n# tiered storage (PostgreSQL + Valkey cache), ${rounds} round(s)${added}`);
    const [ping, select] = await measure(
      () => raw.ping(),
      () => postgres.getConfig('calls_per_rotation'),
    );
    console.log(
      `round trip p50: Valkey PING ${ping.p50.toFixed(1)} µs, PostgreSQL getConfig ${select.p50.toFixed(1)} µs\n`,
    );
    console.log(
      '| operation | against | tier p50 µs | baseline p50 µs | ratio p50 per round | median ratio p50 | median ratio p50 over order pairs | ratio mean |',
    );
    console.log('|---|---|---:|---:|---|---:|---:|---:|');
    const groups = [
      { against: 'Valkey alone', tier: reads(tier), base: reads(valkey) },
      { against: 'PostgreSQL alone', tier: writes(tier), base: writes(postgres) },
      {
        against: 'PostgreSQL, then UNLINK (floor)',
        tier: writes(tier),
        base: Object.fromEntries(Object.entries(writes(postgres)).map(([k, op]) => [k, floor(op)])),
      },
      {
        against: 'PostgreSQL while one PING (overlap floor)',
        tier: writes(tier),
        base: Object.fromEntries(
          Object.entries(writes(postgres)).map(([k, op]) => [k, overlap(op)]),
        ),
      },
    ];
    for (const group of groups) {
      for (const [name, op] of Object.entries(group.tier)) {
        const cells = await compareRounds(measure, op, group.base[name], rounds);
        console.log(`| ${name} | ${group.against} | ${cells.join(' | ')} |`);
      }
    }
  } finally {
    raw.disconnect();
    await Promise.all([tier.close(), postgres.close(), valkey.close()]);
    for (const proxy of proxies) proxy.close();
  }
}
