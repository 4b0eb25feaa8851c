import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { mongo } from 'mongoose';
import { MongoBackend } from '../../../src/storage/backends/mongodb.backend';
import { PostgresBackend } from '../../../src/storage/backends/postgres.backend';
import { RedisBackend } from '../../../src/storage/backends/redis.backend';
import { SqliteBackend } from '../../../src/storage/backends/sqlite.backend';
import type {
  BackendKind,
  CredentialState,
  Namespace,
  StorageBackend,
} from '../../../src/storage/storage-backend.interface';
import { ValidatedStorage } from '../../../src/storage/validated-storage';
import { createPostgresDatabase, dropPostgresDatabase } from '../../support/servers';
import { tempDir } from '../../support/temp-dir';

/** A fresh, empty store on a real server: what to pass the command line, and a way to open it. */
export interface CliStoreUnderTest {
  kind: BackendKind;
  /** `--from`/`--to` value. */
  location: string;
  /** Extra flags the location needs (a Valkey key prefix of its own). */
  flags(side: 'from' | 'to'): string[];
  open(): Promise<StorageBackend>;
}

const cleanups: Array<() => Promise<void>> = [];

/** Removes every store made since the last call. */
export async function dropStores() {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

const connected = async (backend: StorageBackend) => {
  const storage = new ValidatedStorage(backend);
  await storage.connect();
  return storage;
};

/** A fresh store of `kind`: own SQLite file, PostgreSQL database, key prefix or Mongo database. */
export async function freshStore(kind: BackendKind): Promise<CliStoreUnderTest> {
  const id = randomBytes(6).toString('hex');
  switch (kind) {
    case 'sqlite': {
      const dir = tempDir('gcli-cli-');
      cleanups.push(async () => dir.remove());
      const file = join(dir.path, 'credentials.db');
      return {
        kind,
        location: file,
        flags: () => [],
        open: () => connected(new SqliteBackend({ file })),
      };
    }
    case 'postgresql': {
      const admin = process.env.TEST_POSTGRES_DSN!;
      const dsn = await createPostgresDatabase(admin, `gcli_cli_${id}`);
      cleanups.push(() => dropPostgresDatabase(admin, `gcli_cli_${id}`));
      return {
        kind,
        location: dsn,
        flags: () => [],
        open: () => connected(new PostgresBackend({ dsn })),
      };
    }
    case 'valkey': {
      const url = process.env.TEST_REDIS_URL!;
      const keyPrefix = `cli:${id}:`;
      cleanups.push(() => dropRedisPrefix(url, keyPrefix));
      return {
        kind,
        location: url,
        flags: (side) => [`--${side}-key-prefix`, keyPrefix],
        open: () => connected(new RedisBackend({ url, keyPrefix })),
      };
    }
    case 'mongodb': {
      const url = new URL(process.env.TEST_MONGODB_URI!);
      url.pathname = `/gcli_cli_${id}`;
      const uri = url.toString();
      cleanups.push(() => dropMongoDatabase(uri));
      return {
        kind,
        location: uri,
        flags: () => [],
        open: () => connected(new MongoBackend({ uri })),
      };
    }
  }
}

export async function dropRedisPrefix(url: string, prefix: string) {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}

export async function dropMongoDatabase(uri: string) {
  const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** Credential `i`'s state: every field varies, with cooldowns both live and long expired. */
export function stateFor(i: number): CredentialState {
  return {
    disabled: i % 3 === 0,
    errorCodes: i % 2 === 0 ? [429, 500 + (i % 7)] : [],
    lastSuccess: 1_700_000_000 + i + 0.25,
    userEmail: i % 4 === 0 ? null : `user${i}@example.com`,
    modelCooldowns:
      i % 5 === 0 ? { 'gemini-2.5-pro': 4_000_000_000 + i, flash: 1_600_000_000 } : {},
    callCount: i * 7,
    problem:
      i % 3 === 0 ? { code: 'no_project', message: 'no project yet', at: 1_800_000_000 + i } : null,
  };
}

export const SETTINGS = {
  api_password: 'pw-secret-do-not-print',
  calls_per_rotation: 25,
  retry_429_enabled: false,
  model_aliases: { 'gemini-pro': 'gemini-2.5-pro' },
};

/** Fills a store with `count` credentials per namespace, with state, and the settings above. */
export async function seed(
  s: StorageBackend,
  count: number,
  namespaces: Namespace[] = ['geminicli', 'antigravity'],
) {
  for (const ns of namespaces) {
    for (let start = 0; start < count; start += 1000) {
      const items = Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
        const i = start + k;
        return {
          name: `${ns}-${String(i).padStart(6, '0')}.json`,
          data: {
            refresh_token: `rt-secret-${ns}-${i}`,
            client_id: 'cid',
            client_secret: 'cs-secret',
            project_id: `p${i}`,
          },
          state: stateFor(i),
        };
      });
      await s.upsertCredentials(ns, items);
      await s.restoreStates(ns, items);
    }
  }
  await s.updateConfig(SETTINGS);
}

/** Everything a store holds: per namespace the names in order with data and whole state, and settings. */
export async function snapshot(s: StorageBackend) {
  const out: Record<string, unknown> = {};
  for (const ns of ['geminicli', 'antigravity'] as const) {
    const names = await s.listCredentialNames(ns);
    out[ns] = await Promise.all(
      names.map(async (name) => ({
        name,
        data: await s.getCredential(ns, name),
        state: await s.getState(ns, name, 0),
      })),
    );
  }
  out.settings = await s.getAllConfig();
  return out;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const CLI = resolve('dist/cli/main.js');

/** Runs the built executable; `onStdout` sees output as it arrives (to kill it mid-way). */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string | undefined>;
    onStdout?: (text: string, kill: (signal?: NodeJS.Signals) => void) => void;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        VALKEY_URL: '',
        REDIS_URL: '',
        POSTGRES_DSN: '',
        MONGODB_URI: '',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, (signal = 'SIGKILL') => child.kill(signal));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The `result` event of a `--json` run. */
export function resultOf(run: CliRun): Record<string, any> {
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);
  const result = lines.find((line) => line.event === 'result');
  if (!result) throw new Error(`no result in: ${run.stdout}\n${run.stderr}`);
  return result;
}

/** A seeded source store and an empty target store, both fresh. */
export async function seededPair(
  fromKind: BackendKind,
  toKind: BackendKind,
  count: number,
  namespaces?: Namespace[],
) {
  const from = await freshStore(fromKind);
  const to = await freshStore(toKind);
  const source = await from.open();
  try {
    await seed(source, count, namespaces);
  } finally {
    await source.close();
  }
  return { from, to };
}
