import type { BackendKind } from '../../src/storage/storage-backend.interface';
import { freePort } from '../support/servers';
import { describeWithServers } from '../support/server-env';
import {
  dropStores,
  freshStore,
  resultOf,
  runCli,
  seed,
  seededPair,
  SETTINGS,
  snapshot,
  stateFor,
} from './support/cli-stores';

const SECRETS = /rt-secret|cs-secret|pw-secret|hunter2/;

describeWithServers(['redis', 'postgres', 'mongodb'])('gcli2api storage migrate', () => {
  afterEach(dropStores);

  // A ring: every backend is a source once and a target once, and what arrives is what left.
  const ring: Array<[BackendKind, BackendKind]> = [
    ['sqlite', 'postgresql'],
    ['postgresql', 'valkey'],
    ['valkey', 'mongodb'],
    ['mongodb', 'sqlite'],
  ];
  it.each(ring)(
    'copies every credential with its whole state and every setting from %s to %s',
    async (fromKind, toKind) => {
      const from = await freshStore(fromKind);
      const to = await freshStore(toKind);
      const source = await from.open();
      await seed(source, 30);
      const expected = await snapshot(source);
      await source.close();

      const args = ['storage', 'migrate', '--from', from.location, '--to', to.location];
      const flags = [...from.flags('from'), ...to.flags('to'), '--page-size', '7'];
      const first = await runCli([...args, ...flags, '--json']);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(resultOf(first).credentials.geminicli).toMatchObject({ source: 30, created: 30 });
      expect(resultOf(first).settings).toMatchObject({ source: 4, created: 4 });

      const target = await to.open();
      try {
        expect(await snapshot(target)).toEqual(expected);
      } finally {
        await target.close();
      }

      const second = await runCli([...args, ...flags]);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(
        'geminicli credentials: 30 in source; 0 created, 0 replaced, 30 unchanged',
      );
      expect(second.stdout).toContain('Nothing to change');
      expect(second.stdout + second.stderr).not.toMatch(SECRETS);
    },
    60_000,
  );

  it('writes nothing in a dry run and says what would change', async () => {
    const { from, to } = await seededPair('sqlite', 'postgresql', 5);
    const run = await runCli([
      'storage',
      'migrate',
      '--from',
      from.location,
      '--to',
      to.location,
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'geminicli credentials: 5 in source; 5 to create, 0 to replace, 0 unchanged',
    );
    expect(run.stdout).toContain('Dry run: nothing was written');
    const target = await to.open();
    try {
      expect(await snapshot(target)).toEqual({ geminicli: [], antigravity: [], settings: {} });
    } finally {
      await target.close();
    }
  }, 60_000);

  it("keeps the target's differing credentials and settings unless --overwrite, and says so", async () => {
    const { from, to } = await seededPair('valkey', 'sqlite', 3, ['geminicli']);
    const target = await to.open();
    await target.upsertCredential('geminicli', 'geminicli-000001.json', {
      refresh_token: 'theirs',
    });
    await target.restoreStates('geminicli', [
      { name: 'geminicli-000001.json', state: { ...stateFor(9), callCount: 999 } },
    ]);
    await target.setConfig('calls_per_rotation', 99);
    await target.close();
    const args = [
      'storage',
      'migrate',
      '--from',
      from.location,
      ...from.flags('from'),
      '--to',
      to.location,
    ];

    const kept = await runCli(args);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(
      '2 created, 0 replaced, 0 unchanged, 1 kept as they are on the target',
    );
    expect(kept.stdout).toContain('kept (use --overwrite to replace): geminicli-000001.json');
    expect(kept.stdout).toContain('kept (use --overwrite to replace): calls_per_rotation');
    let check = await to.open();
    expect(await check.getCredential('geminicli', 'geminicli-000001.json')).toEqual({
      refresh_token: 'theirs',
    });
    expect((await check.getState('geminicli', 'geminicli-000001.json'))?.callCount).toBe(999);
    expect(await check.getConfig('calls_per_rotation')).toBe(99);
    await check.close();

    const replaced = await runCli([...args, '--overwrite']);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('0 created, 1 replaced, 2 unchanged');
    check = await to.open();
    expect(await check.getState('geminicli', 'geminicli-000001.json')).toEqual(stateFor(1));
    expect(await check.getConfig('calls_per_rotation')).toBe(SETTINGS.calls_per_rotation);
    await check.close();
  }, 60_000);

  it('copies only what --only and --namespace select', async () => {
    const { from, to } = await seededPair('sqlite', 'sqlite', 2);
    const run = await runCli([
      'storage',
      'migrate',
      '--from',
      from.location,
      '--to',
      to.location,
      '--namespace',
      'antigravity',
    ]);
    expect(run.code).toBe(0);
    const target = await to.open();
    try {
      const got = await snapshot(target);
      expect((got.geminicli as unknown[]).length).toBe(0);
      expect((got.antigravity as unknown[]).length).toBe(2);
      expect(got.settings).toEqual({});
    } finally {
      await target.close();
    }
    const settingsOnly = await runCli([
      'storage',
      'migrate',
      '--from',
      from.location,
      '--to',
      to.location,
      '--only',
      'settings',
      '--json',
    ]);
    expect(resultOf(settingsOnly)).toMatchObject({ credentials: {}, settings: { created: 4 } });
  }, 60_000);

  it('fails with one clear line and a non-zero exit for bad URLs and unreachable servers', async () => {
    const from = await freshStore('sqlite');
    const port = await freePort();
    const cases: Array<[string[], number, RegExp]> = [
      [
        ['--from', 'ftp://x', '--to', from.location],
        2,
        /--from: ftp:\/\/x\/? is not a storage URL/,
      ],
      [
        ['--from', '/nowhere/creds.db', '--to', from.location],
        2,
        /--from: no SQLite database at \/nowhere\/creds.db/,
      ],
      [
        ['--from', from.location, '--to', `postgres://gcli:hunter2@127.0.0.1:${port}/db`],
        3,
        /^gcli2api: cannot connect to PostgreSQL at postgres:\/\/gcli:\*\*\*@127\.0\.0\.1:\d+\/db: /,
      ],
      [
        ['--from', from.location, '--to', `redis://default:hunter2@127.0.0.1:${port}`],
        3,
        /cannot connect to Valkey\/Redis at redis:\/\/default:\*\*\*@/,
      ],
      [
        ['--from', from.location, '--to', `mongodb://u:hunter2@127.0.0.1:${port}/x`],
        3,
        /cannot open MongoDB at mongodb:\/\/u:\*\*\*@/,
      ],
    ];
    // The SQLite source must exist for the cases that reach the target.
    await (await from.open()).close();
    for (const [args, code, message] of cases) {
      const run = await runCli(['storage', 'migrate', ...args], {
        env: { STORAGE_CONNECT_TIMEOUT_MS: '2000' },
      });
      expect({ args, code: run.code }).toEqual({ args, code });
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
      expect(run.stdout + run.stderr).not.toMatch(SECRETS);
    }
  }, 60_000);
});
