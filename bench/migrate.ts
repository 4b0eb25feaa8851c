/**
 * Migration benchmark: the built `gcli2api` executable (`dist/cli/main.js`, run `npm run build`
 * first) moving credentials with state between real servers, timed end to end (process start
 * included), with the peak RSS of the CLI process as `/usr/bin/time` measures it.
 *
 * - 10,000 credentials with state: SQLite -> PostgreSQL, then PostgreSQL -> Valkey; each must
 *   finish within 10 s.
 * - 100,000 credentials: export from SQLite to a backup archive, and migrate SQLite ->
 *   PostgreSQL; each must stay under 300 MB peak RSS.
 * Run with `npm run bench:migrate`; it starts its own Redis and PostgreSQL (or uses
 * BENCH_REDIS_URL and BENCH_POSTGRES_DSN, an admin DSN) and stops them at the end. Exits 1 when a
 * limit is missed. BENCH_MIGRATE_LARGE=20000 shrinks the large case for a quick run, 0 skips it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteBackend } from '../src/storage/backends/sqlite.backend';
import type { CredentialState } from '../src/storage/storage-backend.interface';
import { ValidatedStorage } from '../src/storage/validated-storage';
import { createPostgresDatabase } from '../test/support/servers';
import { tempDir } from '../test/support/temp-dir';
import { benchServers } from './bench-servers';
import { runBench } from './run-bench';
import { benchCredential } from './bench-credential';

const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_MIGRATE_LARGE ?? 100_000);
const TIME_LIMIT_S = 10;
const RSS_LIMIT_MB = 300;
const CLI = resolve('dist/cli/main.js');

function state(i: number): CredentialState {
  return {
    disabled: i % 10 === 0,
    errorCodes: i % 4 === 0 ? [429, 503] : [],
    lastSuccess: 1_760_000_000 + i,
    userEmail: `bench${i}@example.com`,
    modelCooldowns: i % 8 === 0 ? { 'gemini-2.5-pro': 4_000_000_000 } : {},
    callCount: i,
    problem: null,
  };
}

/** An SQLite database with `count` credentials with state, written through the backend. */
async function seedSqlite(file: string, count: number) {
  const storage = new ValidatedStorage(new SqliteBackend({ file }));
  await storage.connect();
  try {
    for (let start = 0; start < count; start += 5_000) {
      const items = Array.from({ length: Math.min(5_000, count - start) }, (_, k) => ({
        name: `bench-${String(start + k).padStart(7, '0')}.json`,
        data: benchCredential(start + k),
        state: state(start + k),
      }));
      await storage.upsertCredentials('geminicli', items);
      await storage.restoreStates('geminicli', items);
    }
    await storage.updateConfig({ calls_per_rotation: 50, retry_429_enabled: true });
  } finally {
    await storage.close();
  }
}

interface Run {
  seconds: number;
  rssMb: number;
}

/** Runs the CLI under /usr/bin/time; fails unless it exits 0. */
function cli(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, CLI, ...args], {
      env: { ...process.env, VALKEY_URL: '', REDIS_URL: '', POSTGRES_DSN: '', MONGODB_URI: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const rss = /maxrss_kb=(\d+)/.exec(stderr);
      if (code !== 0 || !rss)
        fail(new Error(`gcli2api ${args.join(' ')} failed (${code}): ${stderr}`));
      else done({ seconds, rssMb: Number(rss[1]) / 1024 });
    });
  });
}

type Row = (what: string, count: number, run: Run, limit: 'time' | 'rss') => void;

/** Peak memory at LARGE credentials: export, migrate and import. */
async function largeCases(postgres: string, dirPath: string, tag: string, row: Row) {
  const large = join(dirPath, 'large.db');
  await seedSqlite(large, LARGE);
  const archive = join(dirPath, 'large.zip');
  row(
    'export SQLite -> .zip',
    LARGE,
    await cli(['storage', 'export', '--from', large, '--to', archive]),
    'rss',
  );
  console.log(`(archive: ${(statSync(archive).size / 1024 / 1024).toFixed(1)} MB)`);
  const pgLarge = await createPostgresDatabase(postgres, `gcli_bench_migrate_l_${tag}`);
  row(
    'SQLite -> PostgreSQL',
    LARGE,
    await cli(['storage', 'migrate', '--from', large, '--to', pgLarge]),
    'rss',
  );
  row(
    'import .zip -> SQLite',
    LARGE,
    await cli(['storage', 'import', '--from', archive, '--to', join(dirPath, 'restored.db')]),
    'rss',
  );
}

async function main() {
  process.env.BENCH_ONLY ??= 'postgresql,valkey';
  const servers = await benchServers();
  const dir = tempDir('gcli-bench-migrate-');
  let failed = false;
  const row = (what: string, count: number, run: Run, limit: 'time' | 'rss') => {
    const ok = limit === 'time' ? run.seconds <= TIME_LIMIT_S : run.rssMb < RSS_LIMIT_MB;
    failed ||= !ok;
    const bound = limit === 'time' ? `<= ${TIME_LIMIT_S} s` : `< ${RSS_LIMIT_MB} MB RSS`;
    console.log(
      `| ${what} | ${count} | ${run.seconds.toFixed(2)} | ${Math.round(count / run.seconds)} | ${run.rssMb.toFixed(0)} | ${bound}: ${ok ? 'ok' : 'MISSED'} |`,
    );
  };
  try {
    const tag = randomBytes(4).toString('hex');
    console.log('# migrate bench: the gcli2api executable, end to end, credentials with state');
    console.log('| case | credentials | seconds | per second | peak RSS MB | limit |');
    console.log('|---|---:|---:|---:|---:|---|');

    const small = join(dir.path, 'small.db');
    await seedSqlite(small, SMALL);
    const pg = await createPostgresDatabase(servers.postgres, `gcli_bench_migrate_${tag}`);
    row(
      'SQLite -> PostgreSQL',
      SMALL,
      await cli(['storage', 'migrate', '--from', small, '--to', pg]),
      'time',
    );
    const prefix = ['--to-key-prefix', `bench:${tag}:`];
    row(
      'PostgreSQL -> Valkey',
      SMALL,
      await cli(['storage', 'migrate', '--from', pg, '--to', servers.redis, ...prefix]),
      'time',
    );

    if (LARGE > 0) await largeCases(servers.postgres, dir.path, tag, row);
  } finally {
    dir.remove();
    await servers.dispose();
  }
  if (failed) {
    console.error('migrate bench: a limit was missed (see MISSED above)');
    process.exitCode = 1;
  }
}

runBench(main);
