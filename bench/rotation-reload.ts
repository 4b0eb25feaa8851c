/**
 * Rotation index reload bench (issue 17): with BENCH_SIZES credentials (default 10,000 and
 * 100,000; 1 in 50 disabled, 1 in 50 cooling) on each backend, how long a process's reload takes
 * after each typical change another process makes, and where a load spends its time: reading
 * the disabled and cooling credentials (`state`), listing the names, building the index from new
 * names (`build`) and from the previous index's names (`rebuild`). Run with `npm run bench:rotation-reload`; BENCH_ONLY
 * picks backends (sqlite, valkey, postgresql, mongodb; MongoDB only when named).
 *
 * Target: a reload after a typical change <= 200 ms at 100,000.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Logger } from '@nestjs/common';
import { Timers } from '../src/common/timers';
import { SettingsService } from '../src/config/settings.service';
import { CredentialRotation } from '../src/credentials/rotation/credential-rotation.service';
import { ResultRecorder } from '../src/credentials/rotation/result-recorder.service';
import { RotationIndex } from '../src/credentials/rotation/rotation-index';
import { MongoBackend } from '../src/storage/backends/mongodb.backend';
import { PostgresBackend } from '../src/storage/backends/postgres.backend';
import { RedisBackend } from '../src/storage/backends/redis.backend';
import { SqliteBackend } from '../src/storage/backends/sqlite.backend';
import type { StorageBackend } from '../src/storage/storage-backend.interface';
import { StorageChanges } from '../src/storage/storage-changes.service';
import { ValidatedStorage } from '../src/storage/validated-storage';
import { createPostgresDatabase } from '../test/support/servers';
import { tempDir } from '../test/support/temp-dir';
import { benchServers } from './bench-servers';
import { runBench } from './run-bench';

const SIZES = process.env.BENCH_SIZES?.split(',').map(Number) ?? [10_000, 100_000];
const ONLY = process.env.BENCH_ONLY?.split(',') ?? ['sqlite', 'valkey', 'postgresql'];
const REPEAT = 3;
/** Appended to the backend's name in the table, to tell two builds' rows apart. */
const LABEL = process.env.BENCH_LABEL ? ` (${process.env.BENCH_LABEL})` : '';
const NS = 'geminicli';

const nameOf = (i: number) => `bench-${String(i).padStart(6, '0')}.json`;
const dataOf = (i: number) => ({
  refresh_token: `r${i}`,
  client_id: 'c',
  client_secret: 's',
  project_id: `p${i}`,
});
const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Each typical change another process makes, as `round` number `n` of it. */
const CHANGES: Record<string, (s: StorageBackend, size: number, n: number) => Promise<unknown>> = {
  disable: (s, size, n) => s.updateState(NS, nameOf(size - 3 - n), { disabled: n % 2 === 0 }),
  cooldown: (s, size, n) =>
    s.setModelCooldown(NS, nameOf(size - 5 - n), 'pro', Date.now() / 1000 + 600),
  failure: (s, size, n) => s.recordFailure(NS, nameOf(size - 9 - n), { code: 500 }),
  setting: (s, _size, n) => s.setConfig('calls_per_rotation', 1 + (n % 3)),
  add: (s, _size, n) => s.upsertCredential(NS, `added-${n}.json`, dataOf(n)),
  delete: (s, _size, n) => s.deleteCredential(NS, nameOf(n * 7 + 2)),
};

async function fill(storage: StorageBackend, size: number) {
  for (let start = 0; start < size; start += 10_000) {
    const items = [];
    for (let i = start; i < Math.min(size, start + 10_000); i++) {
      items.push({ name: nameOf(i), data: dataOf(i) });
    }
    await storage.upsertCredentials(NS, items);
  }
  const until = Date.now() / 1000 + 3600;
  for (let i = 0; i < size; i += 50) {
    await storage.updateState(NS, nameOf(i), { disabled: true });
    await storage.setModelCooldown(NS, nameOf(i + 1), 'pro', until);
  }
}

async function measure(storage: StorageBackend, size: number): Promise<Record<string, number>> {
  await fill(storage, size);
  const changes = new StorageChanges(storage);
  const settings = new SettingsService(storage, changes);
  await settings.reload();
  const rotation = new CredentialRotation(
    storage,
    changes,
    settings,
    new ResultRecorder(storage, new Timers()),
  );
  const figures: Record<string, number> = {};
  const first = await timed(() => rotation.reload(NS));
  figures.first = first;
  // Where a load goes: the state reads with the names mark unchanged, the names, the builds.
  // (Skipped when this tree predates readRotationState, to compare builds with one bench.)
  if (typeof storage.readRotationState === 'function') await breakdown(storage, figures);
  for (const [kind, change] of Object.entries(CHANGES)) {
    figures[kind] = median(
      await sequence(REPEAT, async (n) => {
        await change(storage, size, n);
        return timed(() => rotation.reload(NS));
      }),
    );
  }
  return figures;
}

async function breakdown(storage: StorageBackend, figures: Record<string, number>) {
  const now = Date.now() / 1000;
  const { namesMark } = await storage.readRotationState(NS, { now });
  let names: string[] = [];
  figures.state = median(
    await sequence(REPEAT, () => timed(() => storage.readRotationState(NS, { now, namesMark }))),
  );
  figures.names = median(
    await sequence(REPEAT, () =>
      timed(async () => (names = await storage.listCredentialNames(NS))),
    ),
  );
  const state = await storage.readRotationState(NS, { now });
  const snapshot = { ...state, names };
  figures.build = median(
    await sequence(REPEAT, async () => timed(async () => new RotationIndex(snapshot))),
  );
  const previous = new RotationIndex(snapshot);
  figures.rebuild = median(
    await sequence(REPEAT, async () =>
      timed(async () => new RotationIndex({ ...snapshot, names: previous.names }, previous)),
    ),
  );
}

async function sequence(times: number, work: (n: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let n = 0; n < times; n++) out.push(await work(n));
  return out;
}

const wrap = async (backend: StorageBackend) => {
  const storage = new ValidatedStorage(backend);
  await storage.connect();
  return storage;
};

async function main() {
  Logger.overrideLogger(['error', 'warn']);
  const servers = await benchServers();
  const dir = tempDir('gcli-bench-reload-');
  let n = 0;
  const unique = () => `${process.pid}_${n++}`;
  const open: Record<string, () => Promise<StorageBackend>> = {
    sqlite: () => wrap(new SqliteBackend({ file: join(dir.path, `bench-${unique()}.db`) })),
    valkey: () => wrap(new RedisBackend({ url: servers.redis, keyPrefix: `bench:${unique()}:` })),
    postgresql: async () =>
      wrap(
        new PostgresBackend({
          dsn: await createPostgresDatabase(servers.postgres, `gcli_bench_reload_${unique()}`),
        }),
      ),
    mongodb: () =>
      wrap(new MongoBackend({ uri: servers.mongodb, database: `gcli_bench_reload_${unique()}` })),
  };
  const columns = ['first', 'state', 'names', 'build', 'rebuild', ...Object.keys(CHANGES)];
  try {
    console.log(
      `# reload bench, median of ${REPEAT}, ms; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`| backend | credentials | ${columns.join(' | ')} |`);
    console.log(`|---|---:|${columns.map(() => '---:').join('|')}|`);
    for (const kind of ONLY) {
      for (const size of SIZES) {
        const storage = await open[kind]();
        try {
          const figures = await measure(storage, size);
          const cells = columns.map((c) => figures[c]?.toFixed(1) ?? '-');
          console.log(`| ${kind}${LABEL} | ${size} | ${cells.join(' | ')} |`);
        } finally {
          await storage.close();
        }
      }
    }
    console.log(
      `# load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    dir.remove();
    await servers.dispose();
  }
}

runBench(main);
