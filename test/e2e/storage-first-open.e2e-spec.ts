import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describeWithServers, serverUrl } from '../support/server-env';
import { createPostgresDatabase, dropPostgresDatabase } from '../support/servers';
import { tempDir } from '../support/temp-dir';

const DIST = resolve('dist');
const PROCESSES = 4;
const ROUNDS = 4;

/**
 * One process of the built gateway's storage layer: it waits until the shared start time, then
 * opens the backend (running its migrations) and closes it. Starting together is what WORKERS=2
 * and several gateways on one database do.
 */
const OPENER = `
const { ValidatedStorage } = require(${JSON.stringify(join(DIST, 'storage/validated-storage.js'))});
const [kind, target, at] = process.argv.slice(1);
const backend = kind === 'sqlite'
  ? new (require(${JSON.stringify(join(DIST, 'storage/backends/sqlite.backend.js'))}).SqliteBackend)({ file: target })
  : new (require(${JSON.stringify(join(DIST, 'storage/backends/postgres.backend.js'))}).PostgresBackend)({ dsn: target, poolMin: 0, poolMax: 2 });
setTimeout(async () => {
  const storage = new ValidatedStorage(backend);
  try {
    await storage.connect();
    await storage.close();
    process.stdout.write('opened');
  } catch (err) {
    process.stdout.write('failed: ' + err.message);
  }
}, Number(at) - Date.now());
`;

const openTogether = (kind: 'sqlite' | 'postgres', target: string) => {
  // Far enough ahead for every process to have loaded its modules.
  const at = Date.now() + 1_500;
  return Promise.all(
    Array.from(
      { length: PROCESSES },
      () =>
        new Promise<string>((done) => {
          execFile(process.execPath, ['-e', OPENER, kind, target, String(at)], (err, stdout) =>
            done(err ? `exited: ${err.message}` : stdout),
          );
        }),
    ),
  );
};

describe('a new database opened by several processes at once', () => {
  it('SQLite: every process starts and each migration is recorded once', async () => {
    const dir = tempDir();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const file = join(dir.path, `round-${round}.db`);
        expect(await openTogether('sqlite', file)).toEqual(Array(PROCESSES).fill('opened'));
        const db = new Database(file, { readonly: true });
        const names = db.prepare('SELECT name FROM migrations').all() as { name: string }[];
        db.close();
        expect(new Set(names.map((n) => n.name)).size).toBe(names.length);
        expect(names.length).toBeGreaterThan(0);
      }
    } finally {
      dir.remove();
    }
  }, 60_000);
});

describeWithServers(['postgres'])('a new PostgreSQL database opened by several processes', () => {
  it('every process starts', async () => {
    const adminDsn = serverUrl('postgres').url!;
    for (let round = 0; round < ROUNDS; round++) {
      const database = `gcli_first_open_${randomBytes(4).toString('hex')}`;
      const dsn = await createPostgresDatabase(adminDsn, database);
      try {
        expect(await openTogether('postgres', dsn)).toEqual(Array(PROCESSES).fill('opened'));
      } finally {
        await dropPostgresDatabase(adminDsn, database);
      }
    }
  }, 90_000);
});
