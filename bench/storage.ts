/**
 * Storage benchmark: the gateway's hot-path storage operations on every backend, next to the raw
 * client doing the equivalent single command, in one run, and the time of a 10,000-credential
 * bulk upsert. Run with `npm run bench:storage`; it starts its own servers (or uses
 * BENCH_REDIS_URL, BENCH_POSTGRES_DSN, BENCH_MONGODB_URI) and stops them at the end.
 *
 * Targets (issue 3): hot-path operations within 1.5x of raw; bulk upsert under 3 s on Redis,
 * PostgreSQL and SQLite, under 6 s on MongoDB. Then the tiered storage (storage-tier.ts, issue
 * 13; BENCH_ONLY=tier runs it alone), and the same operations on a local
 * 3-master Valkey Cluster within 1.3x of a single Valkey (BENCH_ONLY=valkey-cluster runs only that;
 * BENCH_CLUSTER_ROUNDS repeats it, see storage-cluster.ts).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { Pool } from 'pg';
import { MongoBackend } from '../src/storage/backends/mongodb.backend';
import { PostgresBackend } from '../src/storage/backends/postgres.backend';
import { RedisBackend } from '../src/storage/backends/redis.backend';
import { SqliteBackend } from '../src/storage/backends/sqlite.backend';
import type { StorageBackend } from '../src/storage/storage-backend.interface';
import { ValidatedStorage } from '../src/storage/validated-storage';
import { createPostgresDatabase } from '../test/support/servers';
import { benchServers } from './bench-servers';
import { tempDir } from '../test/support/temp-dir';
import { runBench } from './run-bench';
import { benchCluster } from './storage-cluster';
import { benchTier } from './storage-tier';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 3000);
const WARMUP = 300;
const BULK = 10_000;
const NAME = 'bench-0042.json';

type Op = () => Promise<unknown>;
interface RawOps {
  readState: Op;
  recordSuccess: Op;
  recordFailure: Op;
  readConfig: Op;
  close(): Promise<void>;
}
interface Target {
  kind: string;
  open(): Promise<StorageBackend>;
  raw(): Promise<RawOps>;
}

/**
 * Mean and median latency in microseconds of two operations, run one call at a time and
 * interleaved in rounds, so that background work (WAL checkpoints, GC, other load) falls on both.
 */
async function measurePair(a: Op, b: Op) {
  for (let i = 0; i < WARMUP; i++) {
    await a();
    await b();
  }
  const samples: [number[], number[]] = [[], []];
  const rounds = 10;
  for (let round = 0; round < rounds; round++) {
    for (const [index, op] of [a, b].entries()) {
      for (let i = 0; i < ITERATIONS / rounds; i++) {
        const t = process.hrtime.bigint();
        await op();
        samples[index].push(Number(process.hrtime.bigint() - t) / 1000);
      }
    }
  }
  return samples.map((list) => {
    const sorted = [...list].sort((x, y) => x - y);
    const mean = list.reduce((sum, x) => sum + x, 0) / list.length;
    return { mean, p50: sorted[Math.floor(sorted.length / 2)] };
  });
}

function gatewayOps(storage: StorageBackend) {
  return {
    readState: () => storage.getState('geminicli', NAME),
    recordSuccess: () => storage.recordSuccess('geminicli', NAME, { modelKey: 'pro' }),
    recordFailure: () => storage.recordFailure('geminicli', NAME, { code: 500 }),
    readConfig: () => storage.getConfig('calls_per_rotation'),
  };
}

async function seed(storage: StorageBackend) {
  const items = Array.from({ length: 100 }, (_, i) => ({
    name: `bench-${String(i).padStart(4, '0')}.json`,
    data: { refresh_token: `r${i}`, client_id: 'c', client_secret: 's', project_id: `p${i}` },
  }));
  await storage.upsertCredentials('geminicli', items);
  await storage.setConfig('calls_per_rotation', 1);
}

async function bulkSeconds(target: Target) {
  const storage = await target.open();
  const items = Array.from({ length: BULK }, (_, i) => ({
    name: `bulk-${i}.json`,
    data: {
      refresh_token: `refresh-${i}`,
      client_id: 'c',
      client_secret: 's',
      project_id: `p${i}`,
    },
  }));
  const started = performance.now();
  await storage.upsertCredentials('geminicli', items);
  const seconds = (performance.now() - started) / 1000;
  await storage.close();
  return seconds;
}

const wrap = async (backend: StorageBackend) => {
  const storage = new ValidatedStorage(backend);
  await storage.connect();
  return storage;
};

function sqliteTarget(): Target {
  const dir = tempDir('gcli-bench-');
  let n = 0;
  const file = () => join(dir.path, `bench-${n++}.db`);
  let current = '';
  return {
    kind: 'sqlite',
    open: () => wrap(new SqliteBackend({ file: (current = file()) })),
    async raw() {
      const db = new Database(current);
      db.pragma('journal_mode = WAL');
      const state = db.prepare(
        'SELECT disabled, error_codes, last_success, user_email, model_cooldowns, call_count FROM credentials WHERE filename = ?',
      );
      const inc = db.prepare(
        'UPDATE credentials SET call_count = call_count + 1 WHERE filename = ?',
      );
      const fail = db.prepare(`UPDATE credentials SET error_codes = '[500]' WHERE filename = ?`);
      const config = db.prepare('SELECT value FROM config WHERE key = ?');
      return {
        readState: async () => state.get(NAME),
        recordSuccess: async () => inc.run(NAME),
        recordFailure: async () => fail.run(NAME),
        readConfig: async () => config.get('calls_per_rotation'),
        close: async () => void db.close(),
      };
    },
  };
}

function postgresTarget(adminDsn: string): Target {
  let n = 0;
  let current = '';
  return {
    kind: 'postgresql',
    async open() {
      current = await createPostgresDatabase(adminDsn, `gcli_bench_${process.pid}_${n++}`);
      return wrap(new PostgresBackend({ dsn: current }));
    },
    async raw() {
      const pool = new Pool({ connectionString: current, max: 10 });
      const q = (name: string, text: string, values: unknown[]) =>
        pool.query({ name, text, values });
      return {
        readState: () =>
          q(
            'raw_state',
            'SELECT disabled, error_codes, last_success, user_email, model_cooldowns, call_count FROM credentials WHERE filename = $1',
            [NAME],
          ),
        recordSuccess: () =>
          q('raw_inc', 'UPDATE credentials SET call_count = call_count + 1 WHERE filename = $1', [
            NAME,
          ]),
        recordFailure: () =>
          q('raw_fail', `UPDATE credentials SET error_codes = '[500]' WHERE filename = $1`, [NAME]),
        readConfig: () =>
          q('raw_config', 'SELECT value FROM config WHERE key = $1', ['calls_per_rotation']),
        close: () => pool.end(),
      };
    },
  };
}

function redisTarget(url: string): Target {
  let n = 0;
  return {
    kind: 'valkey',
    open: () => wrap(new RedisBackend({ url, keyPrefix: `bench:${process.pid}:${n++}:` })),
    async raw() {
      const client = new Redis(url);
      const key = `bench:raw:${process.pid}`;
      await client.hset(`${key}:state`, { disabled: '0', error_codes: '[]', call_count: '0' });
      await client.hset(`${key}:config`, 'calls_per_rotation', '1');
      return {
        readState: () => client.hgetall(`${key}:state`),
        recordSuccess: () => client.hincrby(`${key}:state`, 'call_count', 1),
        recordFailure: () => client.hset(`${key}:state`, 'error_codes', '[500]'),
        readConfig: () => client.hget(`${key}:config`, 'calls_per_rotation'),
        close: async () => {
          await client.del(`${key}:state`, `${key}:config`);
          client.disconnect();
        },
      };
    },
  };
}

function mongoTarget(uri: string): Target {
  let n = 0;
  let database = '';
  return {
    kind: 'mongodb',
    open: () =>
      wrap(new MongoBackend({ uri, database: (database = `gcli_bench_${process.pid}_${n++}`) })),
    async raw() {
      const connection = await mongoose.createConnection(uri, { dbName: database }).asPromise();
      const credentials = connection.db!.collection('credentials');
      const config = connection.db!.collection('config');
      const projection = { credential_data: 0 };
      return {
        readState: () => credentials.findOne({ filename: NAME }, { projection }),
        recordSuccess: () => credentials.updateOne({ filename: NAME }, { $inc: { call_count: 1 } }),
        recordFailure: () =>
          credentials.updateOne({ filename: NAME }, { $set: { error_codes: [500] } }),
        readConfig: () => config.findOne({ key: 'calls_per_rotation' }),
        close: () => connection.close(),
      };
    },
  };
}

async function main() {
  const servers = await benchServers({ cluster: true });
  const { wanted, redis: redisUrl, postgres: postgresDsn, mongodb: mongoUri } = servers;
  try {
    const targets = [
      sqliteTarget(),
      redisTarget(redisUrl),
      postgresTarget(postgresDsn),
      mongoTarget(mongoUri),
    ];
    console.log(
      `# storage bench: ${ITERATIONS} sequential calls per operation after ${WARMUP} warm-up`,
    );
    console.log(
      '| backend | operation | gateway p50 µs | raw p50 µs | ratio p50 | gateway mean µs | raw mean µs | ratio mean |',
    );
    console.log('|---|---|---:|---:|---:|---:|---:|---:|');
    const bulk: string[] = [];
    for (const target of targets.filter((t) => wanted(t.kind))) {
      const storage = await target.open();
      await seed(storage);
      const raw = await target.raw();
      const ops = gatewayOps(storage);
      for (const name of Object.keys(ops) as Array<keyof typeof ops>) {
        const [g, r] = await measurePair(ops[name], raw[name]);
        console.log(
          `| ${target.kind} | ${name} | ${g.p50.toFixed(1)} | ${r.p50.toFixed(1)} | ${(g.p50 / r.p50).toFixed(2)}x | ${g.mean.toFixed(1)} | ${r.mean.toFixed(1)} | ${(g.mean / r.mean).toFixed(2)}x |`,
        );
      }
      await raw.close();
      await storage.close();
      bulk.push(`| ${target.kind} | ${(await bulkSeconds(target)).toFixed(2)} s |`);
    }
    if (bulk.length > 0) {
      console.log(`\n| backend | bulk upsert of ${BULK} credentials |\n|---|---:|`);
      for (const line of bulk) console.log(line);
    }
    if (wanted('tier') && redisUrl && postgresDsn)
      await benchTier(redisUrl, postgresDsn, measurePair, seed);
    if (servers.redisCluster)
      await benchCluster(servers.redisCluster, redisUrl, measurePair, gatewayOps, seed);
  } finally {
    await servers.dispose();
  }
}

runBench(main);
