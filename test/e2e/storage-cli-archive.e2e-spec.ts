import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describeWithServers } from '../support/server-env';
import { tempDir } from '../support/temp-dir';
import {
  dropStores,
  freshStore,
  resultOf,
  runCli,
  seed,
  seededPair,
  snapshot,
} from './support/cli-stores';

const EMPTY = { geminicli: [], antigravity: [], settings: {} };

describeWithServers(['redis', 'postgres', 'mongodb'])(
  'gcli2api storage export, import and verify',
  () => {
    const dir = tempDir('gcli-cli-archive-');
    afterEach(dropStores);
    afterAll(() => dir.remove());

    it('backs up one backend and restores it into another exactly, and verify agrees', async () => {
      const from = await freshStore('valkey');
      const to = await freshStore('mongodb');
      const source = await from.open();
      await seed(source, 25);
      const expected = await snapshot(source);
      await source.close();
      const archive = join(dir.path, 'backup.zip');

      const exported = await runCli([
        'storage',
        'export',
        '--from',
        from.location,
        ...from.flags('from'),
        '--to',
        archive,
        '--json',
      ]);
      expect(exported.code).toBe(0);
      expect(resultOf(exported).manifest).toMatchObject({
        format: 'gcli2api-backup',
        version: 1,
        source: { backend: 'valkey' },
        entries: {
          'credentials/geminicli.jsonl': {
            count: 25,
            sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
          'credentials/antigravity.jsonl': { count: 25 },
          'settings.json': { count: 4 },
        },
      });
      // Every refresh token is in it: its owner's alone, whatever the umask.
      expect(statSync(archive).mode & 0o777).toBe(0o600);
      const again = await runCli(['storage', 'export', '--from', from.location, '--to', archive]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/exists \(use --force to replace it\)/);

      const imported = await runCli(['storage', 'import', '--from', archive, '--to', to.location]);
      expect(imported.code).toBe(0);
      const target = await to.open();
      try {
        expect(await snapshot(target)).toEqual(expected);
      } finally {
        await target.close();
      }
      const reimport = await runCli(['storage', 'import', '--from', archive, '--to', to.location]);
      expect(reimport.stdout).toContain('Nothing to change');

      const verified = await runCli(['storage', 'verify', '--from', archive, '--to', to.location]);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain('Equal: both sides hold the same.');
      expect(verified.stdout + verified.stderr).not.toMatch(/rt-secret|cs-secret|pw-secret/);
    }, 60_000);

    it('verify finds a changed, a missing and an extra credential and a changed setting (exit 1)', async () => {
      const { from, to } = await seededPair('sqlite', 'postgresql', 10, ['geminicli']);
      expect(
        (await runCli(['storage', 'migrate', '--from', from.location, '--to', to.location])).code,
      ).toBe(0);
      const equal = await runCli([
        'storage',
        'verify',
        '--from',
        from.location,
        '--to',
        to.location,
      ]);
      expect(equal.code).toBe(0);

      const target = await to.open();
      await target.recordFailure('geminicli', 'geminicli-000003.json', { code: 503 });
      await target.upsertCredential('geminicli', 'geminicli-000004.json', {
        refresh_token: 'changed',
      });
      await target.deleteCredential('geminicli', 'geminicli-000005.json');
      await target.upsertCredential('geminicli', 'extra.json', { refresh_token: 'x' });
      await target.setConfig('calls_per_rotation', 1);
      await target.close();

      const run = await runCli(['storage', 'verify', '--from', from.location, '--to', to.location]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('geminicli credentials: 10 in --from, 10 in --to, checksums');
      expect(run.stdout).toContain('only in --from (1): geminicli-000005.json');
      expect(run.stdout).toContain('only in --to (1): extra.json');
      expect(run.stdout).toContain(
        'differ (2): geminicli-000003.json (errorCodes), geminicli-000004.json (data)',
      );
      expect(run.stdout).toContain('settings: 4 in --from, 4 in --to');
      expect(run.stdout).toContain('differ (1): calls_per_rotation (value)');
      expect(run.stdout).toContain('Not equal');
      const json = await runCli([
        'storage',
        'verify',
        '--from',
        from.location,
        '--to',
        to.location,
        '--json',
      ]);
      expect(json.code).toBe(1);
      expect(resultOf(json)).toMatchObject({
        equal: false,
        credentials: { geminicli: { differ: { count: 2 } } },
      });
    }, 60_000);

    it('refuses a truncated, corrupt or tampered archive before writing anything', async () => {
      const { from, to } = await seededPair('sqlite', 'postgresql', 300);
      const good = join(dir.path, 'good.zip');
      expect(
        (await runCli(['storage', 'export', '--from', from.location, '--to', good])).code,
      ).toBe(0);
      const bytes = readFileSync(good);

      const truncated = join(dir.path, 'truncated.zip');
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const corrupt = join(dir.path, 'corrupt.zip');
      const flipped = Buffer.from(bytes);
      for (let i = 2000; i < 2064; i++) flipped[i] ^= 0xff;
      writeFileSync(corrupt, flipped);
      // A valid ZIP whose content no longer matches its manifest: one credential's state edited.
      const tampered = join(dir.path, 'tampered.zip');
      const files = unzipSync(bytes);
      const lines = strFromU8(files['credentials/geminicli.jsonl']).split('\n');
      lines[150] = lines[150].replace('"callCount":', '"callCount":1');
      files['credentials/geminicli.jsonl'] = strToU8(lines.join('\n'));
      writeFileSync(tampered, zipSync(files));
      // Valid against its own manifest, but breaks the storage rules on the last line.
      const invalid = join(dir.path, 'invalid.zip');
      const jsonl = strFromU8(unzipSync(bytes)['credentials/antigravity.jsonl']).split('\n');
      const last = jsonl.length - 2; // the file ends with a newline
      jsonl[last] = jsonl[last].replace(/"callCount":\d+/, '"callCount":-5');
      const bad = jsonl.join('\n');
      const rebuilt = unzipSync(bytes);
      rebuilt['credentials/antigravity.jsonl'] = strToU8(bad);
      const manifest = JSON.parse(strFromU8(rebuilt['manifest.json']));
      const { createHash } = await import('node:crypto');
      manifest.entries['credentials/antigravity.jsonl'].sha256 = createHash('sha256')
        .update(bad)
        .digest('hex');
      manifest.entries['credentials/antigravity.jsonl'].bytes = Buffer.byteLength(bad);
      rebuilt['manifest.json'] = strToU8(JSON.stringify(manifest));
      writeFileSync(invalid, zipSync(rebuilt));

      const cases: Array<[string, RegExp]> = [
        [truncated, /truncated|cannot read it as a ZIP/],
        [corrupt, /is not a usable backup/],
        [tampered, /does not match its checksum in the manifest/],
        [
          invalid,
          /credentials\/antigravity.jsonl line 300: state.callCount must be an integer >= 0/,
        ],
      ];
      for (const [path, message] of cases) {
        const run = await runCli(['storage', 'import', '--from', path, '--to', to.location]);
        expect({ path, code: run.code }).toEqual({ path, code: 4 });
        expect(run.stderr).toMatch(message);
        expect(
          run.stderr
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('gcli2api:')),
        ).toHaveLength(1);
      }
      const target = await to.open();
      try {
        expect(await snapshot(target)).toEqual(EMPTY);
      } finally {
        await target.close();
      }
    }, 60_000);

    it('resumes an interrupted migration where it stopped', async () => {
      const { from, to } = await seededPair('sqlite', 'postgresql', 4000, ['geminicli']);
      const args = [
        'storage',
        'migrate',
        '--from',
        from.location,
        '--to',
        to.location,
        '--page-size',
        '100',
      ];

      const killed = await runCli([...args, '--json'], {
        onStdout: (text, kill) => {
          if (/"done":(5|6|7|8|9)\d\d\b/.test(text)) kill();
        },
      });
      expect(killed.signal).toBe('SIGKILL');
      let target = await to.open();
      const partial = (await target.listCredentialNames('geminicli')).length;
      await target.close();
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(4000);

      const resumed = await runCli([...args, '--json']);
      expect(resumed.code).toBe(0);
      const outcome = resultOf(resumed).credentials.geminicli;
      expect(outcome.created + outcome.updated).toBeGreaterThanOrEqual(4000 - partial);
      expect(outcome.kept).toBe(0);
      const verified = await runCli([
        'storage',
        'verify',
        '--from',
        from.location,
        '--to',
        to.location,
      ]);
      expect(verified.stdout).toContain('Equal');
      expect(verified.code).toBe(0);
      target = await to.open();
      expect(await target.listCredentialNames('geminicli')).toEqual(
        Array.from({ length: 4000 }, (_, i) => `geminicli-${String(i).padStart(6, '0')}.json`),
      );
      await target.close();
    }, 120_000);

    it('stops cleanly after the current page on Ctrl-C (exit 130) and resumes', async () => {
      const { from, to } = await seededPair('sqlite', 'sqlite', 3000, ['geminicli']);
      const args = [
        'storage',
        'migrate',
        '--from',
        from.location,
        '--to',
        to.location,
        '--page-size',
        '50',
      ];
      let sent = false;
      const stopped = await runCli([...args, '--json'], {
        onStdout: (text, kill) => {
          if (!sent && /"done":[1-9]\d\d/.test(text)) {
            sent = true;
            kill('SIGINT');
          }
        },
      });
      expect(stopped.code).toBe(130);
      expect(resultOf(stopped)).toMatchObject({ interrupted: true });
      expect(stopped.stderr).toContain('Stopping after the current page');
      const resumed = await runCli(args);
      expect(resumed.code).toBe(0);
      const verified = await runCli([
        'storage',
        'verify',
        '--from',
        from.location,
        '--to',
        to.location,
      ]);
      expect(verified.code).toBe(0);
    }, 120_000);
  },
);
