import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { BackendKind } from '../../src/storage/storage-backend.interface';
import { describeWithServers } from '../support/server-env';
import { tempDir } from '../support/temp-dir';
import { dropRedisPrefix, dropStores, freshStore, runCli, snapshot } from './support/cli-stores';
import {
  expectedSnapshot,
  writePythonMongo,
  writePythonPostgres,
  writePythonRedis,
  writePythonSqlite,
} from './support/python-layouts';

const TARGETS: BackendKind[] = ['sqlite', 'postgresql', 'valkey', 'mongodb'];

describeWithServers(['redis', 'postgres', 'mongodb'])(
  'gcli2api storage migrate from the Python gcli2api',
  () => {
    const dir = tempDir('gcli-cli-python-');
    afterEach(dropStores);
    afterAll(() => dir.remove());

    /** Migrates `from` into a fresh store of every kind and checks each holds the fixture exactly. */
    async function migratesIntoEveryBackend(
      from: string,
      fromFlags: string[] = [],
      expected = expectedSnapshot(),
    ) {
      for (const kind of TARGETS) {
        const to = await freshStore(kind);
        const run = await runCli([
          'storage',
          'migrate',
          '--from',
          from,
          ...fromFlags,
          '--to',
          to.location,
          ...to.flags('to'),
        ]);
        expect({ kind, code: run.code, stderr: run.stderr }).toEqual({
          kind,
          code: 0,
          stderr: expect.any(String),
        });
        expect(run.stdout + run.stderr).not.toMatch(/py-secret|py-rt-|s3cret/);
        const target = await to.open();
        try {
          expect({ kind, held: await snapshot(target) }).toEqual({
            kind,
            held: expected,
          });
        } finally {
          await target.close();
        }
      }
    }

    it("moves the Python gateway's SQLite database into every backend", async () => {
      const file = join(dir.path, `python-${randomBytes(4).toString('hex')}.db`);
      writePythonSqlite(file);
      await migratesIntoEveryBackend(file);
    }, 90_000);

    it("moves the upstream project's SQLite database (extra state columns) into every backend", async () => {
      const file = join(dir.path, `upstream-${randomBytes(4).toString('hex')}.db`);
      writePythonSqlite(file, true);
      await migratesIntoEveryBackend(file);
    }, 90_000);

    it("moves the Python gateway's PostgreSQL database into every backend", async () => {
      const source = await freshStore('postgresql');
      await writePythonPostgres(source.location);
      await migratesIntoEveryBackend(source.location);
    }, 90_000);

    it.each([false, true])(
      "moves the Python gateway's MongoDB database (upstream layout: %s) into every backend",
      async (upstream) => {
        const source = await freshStore('mongodb');
        await writePythonMongo(source.location, upstream);
        await migratesIntoEveryBackend(source.location, [], expectedSnapshot({ dotless: true }));
      },
      90_000,
    );

    it("moves the Python gateway's Valkey/Redis keys into every backend", async () => {
      const url = process.env.TEST_REDIS_URL!;
      const prefix = `py:${randomBytes(4).toString('hex')}:`;
      await writePythonRedis(url, prefix);
      try {
        await migratesIntoEveryBackend(url, ['--from-key-prefix', prefix]);
      } finally {
        await dropRedisPrefix(url, prefix);
      }
    }, 90_000);
  },
);
