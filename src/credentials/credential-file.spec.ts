import { parseCredential, parseCredentialJson, validateCredentialName } from './credential-file';

describe('validateCredentialName', () => {
  it.each([
    'a.json',
    'ag_project-1700000000.json',
    'UPPER.JSON',
    'with space.json',
    'ünïcödé-名前.json',
    `${'x'.repeat(250)}.json`,
    '.hidden.json',
  ])('accepts %j', (name) => {
    expect(validateCredentialName(name)).toBeNull();
  });

  it.each([
    ['', 'the name is empty'],
    ['a/b.json', 'the name must not contain / or \\'],
    ['/abs.json', 'the name must not contain / or \\'],
    ['dir\\b.json', 'the name must not contain / or \\'],
    ['../up.json', 'the name must not contain / or \\'],
    ['..json', 'the name must not contain ..'],
    ['a..b.json', 'the name must not contain ..'],
    ['tab\t.json', 'the name must not contain control characters'],
    ['nul\0.json', 'the name must not contain control characters'],
    ['del\u007f.json', 'the name must not contain control characters'],
    ['c1\u0085.json', 'the name must not contain control characters'],
    ...['\u202a', '\u202e', '\u2066', '\u2069', '\u200f'].map((bidi) => [
      `${bidi}gnp.json`,
      'the name must not contain bidirectional text controls (U+202A-U+202E, U+2066-U+2069, ...)',
    ]),
    [`${'x'.repeat(251)}.json`, 'the name is longer than 255 bytes'],
    [`${'é'.repeat(126)}.json`, 'the name is longer than 255 bytes'],
    ['notes.txt', 'the name must end with .json'],
    ['archive.json.zip', 'the name must end with .json'],
    ['json', 'the name must end with .json'],
    ['.json', 'the name has nothing before .json'],
  ])('rejects %j: %s', (name, reason) => {
    expect(validateCredentialName(name)).toBe(reason);
  });

  it('rejects what is not a string', () => {
    expect(validateCredentialName(undefined)).toBe('the name is empty');
    expect(validateCredentialName(42)).toBe('the name is empty');
  });
});

describe('parseCredential', () => {
  const base = { client_id: 'c', client_secret: 's', refresh_token: 'r' };

  it('keeps every field as given', () => {
    const input = { ...base, token: 't', access_token: 't', scopes: ['a'], extra: { n: 1 } };
    expect(parseCredential(input)).toEqual({ ok: true, data: input });
  });

  it('does not change its input', () => {
    const input = { ...base, quota_project_id: 'q', token: 't' };
    parseCredential(input);
    expect(input).toEqual({ ...base, quota_project_id: 'q', token: 't' });
  });

  it('fills a missing project_id from quota_project_id', () => {
    expect(parseCredential({ ...base, quota_project_id: 'q' })).toEqual({
      ok: true,
      data: { ...base, quota_project_id: 'q', project_id: 'q' },
    });
    expect(parseCredential({ ...base, project_id: '', quota_project_id: 'q' })).toMatchObject({
      data: { project_id: 'q' },
    });
  });

  it('keeps a present project_id over quota_project_id', () => {
    expect(parseCredential({ ...base, project_id: 'p', quota_project_id: 'q' })).toMatchObject({
      data: { project_id: 'p', quota_project_id: 'q' },
    });
  });

  it('mirrors token and access_token so that both exist', () => {
    expect(parseCredential({ ...base, token: 't' })).toMatchObject({
      data: { token: 't', access_token: 't' },
    });
    expect(parseCredential({ ...base, access_token: 'a' })).toMatchObject({
      data: { token: 'a', access_token: 'a' },
    });
    expect(parseCredential(base)).toEqual({ ok: true, data: base });
    expect(parseCredential({ ...base, token: 't', access_token: 'a' })).toMatchObject({
      data: { token: 't', access_token: 'a' },
    });
  });

  it.each([
    [null, 'not a JSON object (found null)'],
    [[base], 'not a JSON object (found an array)'],
    ['text', 'not a JSON object (found a string)'],
    [3, 'not a JSON object (found a number)'],
    [{ client_id: 'c' }, 'missing refresh_token'],
    [{ refresh_token: '' }, 'refresh_token must be a non-empty string'],
    [{ refresh_token: '   ' }, 'refresh_token must be a non-empty string'],
    [{ refresh_token: 5 }, 'refresh_token must be a non-empty string'],
    [{ refresh_token: null }, 'refresh_token must be a non-empty string'],
    [{ refresh_token: 'r', note: 'a\0b' }, 'a value contains a NUL character'],
    [{ refresh_token: 'r', ['k\0']: 1 }, 'a key contains a NUL character'],
  ])('rejects %j: %s', (input, reason) => {
    expect(parseCredential(input)).toEqual({ ok: false, reason });
  });

  it('rejects a number JSON reads as Infinity, which no storage backend accepts', () => {
    expect(parseCredentialJson('{"refresh_token":"r","expiry":1e400}')).toEqual({
      ok: false,
      reason: 'a number is too large to store (e.g. 1e400)',
    });
    expect(parseCredential({ refresh_token: 'r', deep: [{ n: -Infinity }] })).toMatchObject({
      ok: false,
    });
  });

  it('rejects nesting no storage backend accepts', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { deeper: deep };
    expect(parseCredential({ ...base, deep })).toEqual({
      ok: false,
      reason: 'nested deeper than 32 levels',
    });
  });
});

describe('parseCredentialJson', () => {
  it('parses, ignoring a byte-order mark', () => {
    expect(parseCredentialJson('\uFEFF{"refresh_token":"r"}')).toEqual({
      ok: true,
      data: { refresh_token: 'r' },
    });
  });

  it('reports a syntax error without quoting the text', () => {
    for (const text of ['{"refresh_token": "secret-value"', '{"refresh_token": secret}', '']) {
      const result = parseCredentialJson(text);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(/^not valid JSON/);
      expect(JSON.stringify(result)).not.toContain('secret');
    }
  });
});
