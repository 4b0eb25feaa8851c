/**
 * Status-page bench: `summarize` (what `/creds/status` runs) in process on every backend with
 * BENCH_CREDENTIALS (default 100,000) credentials, 1 in 20 disabled, 1 in 20 cooling for a model,
 * 1 in 20 with a 429 and 1 in 50 with a problem. Prints the slowest call per filter over the
 * first, middle and last page. Run with `npm run bench:status`; BENCH_ONLY picks backends. Then
 * about half the credentials are disabled and every filter is measured again: a filter's cost must
 * not grow with the size of the sets it skips.
 *
 * Target (issue 17): any page with any filter <= 50 ms at 100,000.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { MongoBackend } from '../src/storage/backends/mongodb.backend';
import { PostgresBackend } from '../src/storage/backends/postgres.backend';
import { RedisBackend } from '../src/storage/backends/redis.backend';
import { SqliteBackend } from '../src/storage/backends/sqlite.backend';
import type { StorageBackend, SummaryQuery } from '../src/storage/storage-backend.interface';
import { ValidatedStorage } from '../src/storage/validated-storage';
import { createPostgresDatabase } from '../test/support/servers';
import { tempDir } from '../test/support/temp-dir';
import { benchServers } from './bench-servers';
import { runBench } from './run-bench';

const COUNT = Number(process.env.BENCH_CREDENTIALS ?? 100_000);
const BATCH = 5_000;

const FILTERS: Record<string, SummaryQuery> = {
  none: {},
  enabled: { status: 'enabled' },
  disabled: { status: 'disabled' },
  'error 429': { errorCode: 429 },
  'in cooldown': { cooldown: 'in' },
  'out of cooldown': { cooldown: 'out' },
  'in cooldown (pro)': { cooldown: 'in', modelKey: 'pro' },
  'any problem': { problem: 'any' },
  'problem no_project': { problem: 'no_project' },
  'no problem': { problem: 'none' },
  'enabled + 429': { status: 'enabled', errorCode: 429 },
  // What a panel asks for to see the usable credentials: three broad filters, all "not in".
  'enabled + out of cooldown + no problem': { status: 'enabled', cooldown: 'out', problem: 'none' },
};

const name = (i: number) => `scale-${String(i).padStart(6, '0')}.json`;

/** Runs `mark(i)` for every credential index, 200 at a time. */
async function markEach(mark: (i: number) => Promise<unknown> | undefined) {
  const marks: Array<Promise<unknown> | undefined> = [];
  for (let i = 0; i < COUNT; i++) {
    marks.push(mark(i));
    if (marks.length >= 200) await Promise.all(marks.splice(0));
  }
  await Promise.all(marks);
}

async function seed(storage: StorageBackend) {
  for (let start = 0; start < COUNT; start += BATCH) {
    const items = [];
    for (let i = start; i < Math.min(COUNT, start + BATCH); i++) {
      items.push({ name: name(i), data: { refresh_token: `r${i}`, project_id: `p${i}` } });
    }
    await storage.upsertCredentials('geminicli', items);
  }
  const now = Date.now() / 1000;
  const problem = { code: 'no_project', message: 'none', at: Math.floor(now) };
  await markEach((i) => {
    if (i % 20 === 1) return storage.updateState('geminicli', name(i), { disabled: true });
    if (i % 20 === 2) return storage.setModelCooldown('geminicli', name(i), 'pro', now + 3600);
    if (i % 20 === 3) return storage.recordFailure('geminicli', name(i), { code: 429 });
    return i % 50 === 4 ? storage.updateState('geminicli', name(i), { problem }) : undefined;
  });
}

/** Disables every other credential on top of the seeded ones: about half are then disabled. */
async function disableHalf(storage: StorageBackend) {
  await markEach((i) =>
    i % 2 === 0 ? storage.updateState('geminicli', name(i), { disabled: true }) : undefined,
  );
}

/**
 * The CPU time the local server process has used so far, in ms (from /proc; undefined for a
 * server elsewhere). Unlike times seen by the client or the slow log, it hardly moves when other
 * work on a busy machine preempts the server.
 */
async function serverCpu(url: string): Promise<(() => number) | undefined> {
  const client = new Redis(url);
  const info = await client.info('server');
  client.disconnect();
  const pid = /process_id:(\d+)/.exec(info)?.[1];
  const stat = `/proc/${pid}/stat`;
  if (!pid || !existsSync(stat)) return undefined;
  return () => {
    // utime and stime, in clock ticks of 10 ms, follow the command name (which holds no spaces).
    const fields = readFileSync(stat, 'utf8').split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  };
}

/**
 * Calls per filter and page over which the server's CPU time is averaged (ticks are 10 ms), fewer
 * for a slow filter: the calls stop after CPU_WINDOW_MS.
 */
const CPU_CALLS = 20;
const CPU_WINDOW_MS = 1_000;

async function measure(storage: StorageBackend, cpu?: () => number) {
  const rows: string[] = [];
  const spread = (times: number[]) => {
    times.sort((a, b) => a - b);
    return `median ${times[4].toFixed(1)} / max ${times[8].toFixed(1)} ms`;
  };
  for (const [label, filter] of Object.entries(FILTERS)) {
    const times: number[] = [];
    for (const offset of [0, Math.floor(COUNT / 2), COUNT - 50]) {
      for (let repeat = 0; repeat < 3; repeat++) {
        const started = performance.now();
        await storage.summarize('geminicli', { ...filter, offset, limit: 50 });
        times.push(performance.now() - started);
      }
    }
    let onServer = '';
    if (cpu) {
      const before = cpu();
      let calls = 0;
      for (const offset of [0, Math.floor(COUNT / 2), COUNT - 50]) {
        const started = performance.now();
        for (let i = 0; i < CPU_CALLS && performance.now() - started < CPU_WINDOW_MS; i++) {
          await storage.summarize('geminicli', { ...filter, offset, limit: 50 });
          calls++;
        }
      }
      onServer = `; server CPU ${((cpu() - before) / calls).toFixed(1)} ms per call`;
    }
    rows.push(`${label}: ${spread(times)}${onServer}`);
  }
  return rows;
}

async function main() {
  Logger.overrideLogger(['error', 'warn']);
  const servers = await benchServers();
  const dir = tempDir('gcli-bench-status-');
  const tag = `${process.pid}_${Date.now()}`;
  const open: Record<string, () => Promise<StorageBackend>> = {
    sqlite: async () =>
      new SqliteBackend({ file: process.env.BENCH_SQLITE_FILE ?? join(dir.path, 'status.db') }),
    valkey: async () => new RedisBackend({ url: servers.redis, keyPrefix: `bench-status:${tag}:` }),
    postgresql: async () =>
      new PostgresBackend({
        dsn: await createPostgresDatabase(servers.postgres, `gcli_bench_status_${tag}`),
      }),
    mongodb: async () =>
      new MongoBackend({ uri: servers.mongodb, database: `gcli_bench_status_${tag}` }),
  };
  try {
    for (const [kind, make] of Object.entries(open).filter(([kind]) => servers.wanted(kind))) {
      const storage = new ValidatedStorage(await make());
      await storage.connect();
      try {
        const started = performance.now();
        // A kept SQLite file (BENCH_SQLITE_FILE) is seeded once, to compare builds on the same data.
        if ((await storage.summarize('geminicli', { limit: 1 })).stats.total === 0)
          await seed(storage);
        console.log(
          `## ${kind}: ${COUNT} seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
        const cpu = kind === 'valkey' ? await serverCpu(servers.redis) : undefined;
        for (const row of await measure(storage, cpu)) console.log(`- ${row}`);
        await disableHalf(storage);
        const { disabled } = (await storage.summarize('geminicli', { limit: 1 })).stats;
        console.log(`## ${kind}: ${disabled} of ${COUNT} disabled`);
        for (const row of await measure(storage, cpu)) console.log(`- ${row}`);
      } finally {
        await storage.close();
      }
    }
  } finally {
    dir.remove();
    await servers.dispose();
  }
}

runBench(main);
