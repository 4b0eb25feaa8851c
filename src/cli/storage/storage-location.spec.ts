import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli.errors';
import { parseLocation } from './storage-location';

describe('parseLocation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gcli-location-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows each backend by its URL scheme and masks the password', () => {
    expect(parseLocation('postgresql://u:pw@h/db', '--to', false)).toMatchObject({
      kind: 'postgresql',
      shown: 'postgresql://u:***@h/db',
    });
    expect(parseLocation('valkey://:pw@h:6379', '--to', false)).toMatchObject({
      kind: 'valkey',
      raw: 'redis://:pw@h:6379',
    });
    expect(parseLocation('rediss://h', '--to', false).kind).toBe('valkey');
    expect(parseLocation('mongodb+srv://u:pw@c.example.net/x', '--to', false)).toMatchObject({
      kind: 'mongodb',
      shown: 'mongodb+srv://u:***@c.example.net/x',
    });
  });

  it('reads a path as an SQLite file, a directory as its credentials.db', () => {
    writeFileSync(join(dir, 'credentials.db'), '');
    expect(parseLocation(dir, '--from', true)).toMatchObject({
      kind: 'sqlite',
      raw: join(dir, 'credentials.db'),
    });
    expect(parseLocation(join(dir, 'new.db'), '--to', false).raw).toBe(join(dir, 'new.db'));
  });

  it('refuses unknown schemes and missing source files with a usage error that names the flag', () => {
    const refused = (value: string, mustExist: boolean) => {
      try {
        parseLocation(value, '--from', mustExist);
      } catch (err) {
        return { code: (err as CliError).exitCode, message: (err as Error).message };
      }
      return undefined;
    };
    expect(refused('mysql://u:pw@h/db', false)).toEqual({
      code: 2,
      message: expect.stringMatching(/^--from: mysql:\/\/u:\*\*\*@h\/db is not a storage URL/),
    });
    expect(refused(join(dir, 'missing.db'), true)?.message).toMatch(/--from: no SQLite database/);
    expect(refused('/no/such/dir/x.db', false)?.message).toMatch(
      /directory \/no\/such\/dir does not exist/,
    );
  });
});
