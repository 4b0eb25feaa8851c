import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteBackend } from '../../src/storage/backends/sqlite.backend';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { tempDir } from '../support/temp-dir';
import { describeStorageContract } from './storage-contract';
import { connected, type StoreOptions } from './storage-target';

let dir: ReturnType<typeof tempDir> | undefined;

const open = (file: string, options: Partial<StoreOptions> = {}) =>
  connected(new SqliteBackend({ file, ...options }), options);

describeStorageContract(
  {
    name: 'sqlite',
    unavailable: () => null,
    async create(options) {
      dir = tempDir();
      const file = join(dir.path, 'credentials.db');
      return { storage: await open(file, options), another: (o) => open(file, o) };
    },
    createUnreachable() {
      const blocker = join(tempDir().path, 'a-file');
      writeFileSync(blocker, '');
      return new ValidatedStorage(new SqliteBackend({ file: join(blocker, 'credentials.db') }));
    },
    async cleanup() {
      dir?.remove();
    },
  },
  () => {
    describe('sqlite file', () => {
      it('creates a new database and its WAL readable by its owner only, and keeps an existing mode', async () => {
        const here = tempDir();
        try {
          const file = join(here.path, 'creds', 'credentials.db');
          const storage = await open(file);
          await storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
          expect(statSync(file).mode & 0o777).toBe(0o600);
          expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
          await storage.close();
          chmodSync(file, 0o640);
          await (await open(file)).close();
          expect(statSync(file).mode & 0o777).toBe(0o640);
        } finally {
          here.remove();
        }
      });

      it('opens a database of the Python gateway and adds missing columns without losing rows', async () => {
        const legacy = tempDir();
        const file = join(legacy.path, 'credentials.db');
        const db = new Database(file);
        db.exec(`CREATE TABLE credentials (id INTEGER PRIMARY KEY AUTOINCREMENT,
          filename TEXT UNIQUE NOT NULL, credential_data TEXT, disabled INTEGER DEFAULT 0,
          error_codes TEXT DEFAULT '[]', last_success REAL, user_email TEXT,
          created_at REAL, updated_at REAL)`);
        db.exec(`CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT, updated_at REAL)`);
        db.prepare(
          `INSERT INTO credentials (filename, credential_data, disabled, error_codes, last_success, user_email)
          VALUES (?, ?, 1, '[403]', 1700000000, 'old@x.com')`,
        ).run('old.json', '{"refresh_token":"r"}');
        db.prepare(`INSERT INTO config (key, value) VALUES ('api_password', '"s3cret"')`).run();
        db.close();

        const storage = await open(file);
        try {
          expect(await storage.getCredential('geminicli', 'old.json')).toEqual({
            refresh_token: 'r',
          });
          expect(await storage.getState('geminicli', 'old.json')).toEqual({
            disabled: true,
            errorCodes: [403],
            lastSuccess: 1700000000,
            userEmail: 'old@x.com',
            modelCooldowns: {},
            callCount: 0,
            problem: null,
          });
          expect(await storage.getConfig('api_password')).toBe('s3cret');
          await storage.recordFailure('geminicli', 'old.json', {
            code: 429,
            modelKey: 'pro',
            cooldownUntil: 4e9,
          });
          await storage.upsertCredential('geminicli', 'new.json', { refresh_token: 'n' });
          expect(await storage.listCredentialNames('geminicli')).toEqual(['old.json', 'new.json']);
        } finally {
          await storage.close();
          legacy.remove();
        }
      });

      it('runs its migrations once: a second start keeps everything', async () => {
        const again = tempDir();
        const file = join(again.path, 'credentials.db');
        const first = await open(file);
        await first.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
        await first.close();
        const second = await open(file);
        try {
          expect(await second.listCredentialNames('geminicli')).toEqual(['a.json']);
        } finally {
          await second.close();
          again.remove();
        }
      });
    });
  },
);
