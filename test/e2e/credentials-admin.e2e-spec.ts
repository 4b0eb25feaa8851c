import { strFromU8, unzipSync } from 'fflate';
import {
  NAMESPACES,
  type CredentialData,
  type Namespace,
  type StorageBackend,
} from '../../src/storage/storage-backend.interface';
import { createTestApp, type TestApp } from '../support/test-app';

/** A Gemini CLI OAuth file whose secrets all carry `id`, so a leak is easy to spot. */
const credential = (id: string | number, extra: CredentialData = {}): CredentialData => ({
  client_id: 'client.apps.googleusercontent.com',
  client_secret: `GOCSPX-secret-${id}`,
  refresh_token: `1//refresh-${id}`,
  token: `ya29.access-${id}`,
  access_token: `ya29.access-${id}`,
  expiry: '2030-01-01T00:00:00Z',
  project_id: `project-${id}`,
  scopes: ['https://www.googleapis.com/auth/cloud-platform'],
  token_uri: 'https://oauth2.googleapis.com/token',
  ...extra,
});

const ODD_NAME = '100% sure "quoted" 凭证 ü.json';
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('credential admin routes', () => {
  let app: TestApp;
  let storage: StorageBackend;

  beforeAll(async () => {
    app = await createTestApp();
    storage = app.storage;
  });
  afterAll(() => app?.close());
  beforeEach(async () => {
    for (const ns of NAMESPACES) {
      await Promise.all(
        (await storage.listCredentialNames(ns)).map((n) => storage.deleteCredential(ns, n)),
      );
    }
  });

  const seed = (names: string[], ns: Namespace = 'geminicli') =>
    storage.upsertCredentials(
      ns,
      names.map((name) => ({ name, data: credential(name) })),
    );

  const get = async (path: string) => {
    const response = await fetch(`${app.url}${path}`, { headers: app.auth });
    return { status: response.status, body: (await response.json()) as any };
  };

  /** POSTs `body` as JSON; a string is sent as it is, to test malformed bodies. */
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { ...app.auth, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  const download = async (path: string) => {
    const response = await fetch(`${app.url}${path}`, { headers: app.auth });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      disposition: response.headers.get('content-disposition') ?? '',
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  };

  const names = (body: { items: Array<{ filename: string }> }) =>
    body.items.map((item) => item.filename);

  describe('GET /creds/status', () => {
    it('lists state with the reference fields, totals and the backend, never secrets', async () => {
      await seed(['a.json', 'b.json', 'c.json']);
      await storage.updateState('geminicli', 'a.json', { userEmail: 'a@example.com' });
      await storage.recordSuccess('geminicli', 'b.json', { at: 1_700_000_000 });
      await storage.recordFailure('geminicli', 'c.json', { code: 429 });

      const { status, body } = await get('/creds/status');

      expect(status).toBe(200);
      expect(body).toMatchObject({ total: 3, offset: 0, limit: 50, has_more: false });
      expect(body.stats).toEqual({ total: 3, normal: 3, disabled: 0 });
      expect(names(body)).toEqual(['a.json', 'b.json', 'c.json']);
      expect(body.items[1]).toEqual({
        filename: 'b.json',
        user_email: null,
        disabled: false,
        error_codes: [],
        last_success: 1_700_000_000,
        call_count: 1,
        model_cooldowns: {},
        problem: null,
        backend_type: 'sqlite',
      });
      expect(body.items[0].user_email).toBe('a@example.com');
      expect(body.items[2].error_codes).toEqual([429]);
      const text = JSON.stringify(body);
      expect(text).not.toMatch(/GOCSPX|refresh-|ya29|client_secret|refresh_token/);
    });

    it('pages with offset and any limit from 1 to 1000, saying whether more follow', async () => {
      await seed(Array.from({ length: 7 }, (_, i) => `p${i}.json`));

      const first = await get('/creds/status?offset=0&limit=3');
      expect(names(first.body)).toEqual(['p0.json', 'p1.json', 'p2.json']);
      expect(first.body).toMatchObject({ total: 7, offset: 0, limit: 3, has_more: true });

      const last = await get('/creds/status?offset=6&limit=3');
      expect(names(last.body)).toEqual(['p6.json']);
      expect(last.body).toMatchObject({ total: 7, offset: 6, limit: 3, has_more: false });

      const exact = await get('/creds/status?offset=4&limit=3');
      expect(exact.body.has_more).toBe(false);

      const beyond = await get('/creds/status?offset=50&limit=1000');
      expect(beyond.body).toMatchObject({ items: [], total: 7, has_more: false });
    });

    it('filters by enabled and disabled while the stats count the whole namespace', async () => {
      await seed(['e1.json', 'd1.json', 'e2.json', 'd2.json', 'e3.json']);
      await storage.updateState('geminicli', 'd1.json', { disabled: true });
      await storage.updateState('geminicli', 'd2.json', { disabled: true });

      const enabled = await get('/creds/status?status_filter=enabled');
      expect(names(enabled.body)).toEqual(['e1.json', 'e2.json', 'e3.json']);
      expect(enabled.body.total).toBe(3);
      const disabled = await get('/creds/status?status_filter=disabled&limit=1');
      expect(names(disabled.body)).toEqual(['d1.json']);
      expect(disabled.body).toMatchObject({ total: 2, has_more: true });
      expect(disabled.body.items[0].disabled).toBe(true);
      for (const body of [enabled.body, disabled.body]) {
        expect(body.stats).toEqual({ total: 5, normal: 3, disabled: 2 });
      }
      expect((await get('/creds/status?status_filter=all')).body.total).toBe(5);
    });

    it('filters by one error code', async () => {
      await seed(['ok.json', 'forbidden.json', 'limited.json']);
      await storage.recordFailure('geminicli', 'forbidden.json', { code: 403 });
      await storage.recordFailure('geminicli', 'limited.json', { code: 429 });
      await storage.recordFailure('geminicli', 'limited.json', { code: 403 });

      expect(names((await get('/creds/status?error_code_filter=403')).body)).toEqual([
        'forbidden.json',
        'limited.json',
      ]);
      expect(names((await get('/creds/status?error_code_filter=429')).body)).toEqual([
        'limited.json',
      ]);
      expect((await get('/creds/status?error_code_filter=500')).body.total).toBe(0);
      expect((await get('/creds/status?error_code_filter=all')).body.total).toBe(3);
    });

    it('filters by cooldown, for any model or for the one model_key names', async () => {
      await seed(['pro.json', 'flash.json', 'free.json', 'expired.json']);
      const until = nowSeconds() + 3600;
      const cool = (name: string, modelKey: string, cooldownUntil: number) =>
        storage.recordFailure('geminicli', name, { code: 429, modelKey, cooldownUntil });
      await cool('pro.json', 'pro', until);
      await cool('flash.json', 'flash', until);
      await cool('expired.json', 'pro', nowSeconds() - 60);

      const cooling = await get('/creds/status?cooldown_filter=in_cooldown');
      expect(names(cooling.body)).toEqual(['pro.json', 'flash.json']);
      expect(cooling.body.items[0].model_cooldowns).toEqual({ pro: until });
      expect(names((await get('/creds/status?cooldown_filter=no_cooldown')).body)).toEqual([
        'free.json',
        'expired.json',
      ]);
      expect(
        names((await get('/creds/status?cooldown_filter=in_cooldown&model_key=pro')).body),
      ).toEqual(['pro.json']);
      expect(
        names((await get('/creds/status?cooldown_filter=no_cooldown&model_key=pro')).body),
      ).toEqual(['flash.json', 'free.json', 'expired.json']);
      expect((await get('/creds/status?cooldown_filter=all')).body.total).toBe(4);
    });

    it('combines filters', async () => {
      await seed(['a.json', 'b.json', 'c.json']);
      await storage.updateState('geminicli', 'a.json', { disabled: true });
      await storage.recordFailure('geminicli', 'a.json', { code: 403 });
      await storage.recordFailure('geminicli', 'b.json', { code: 403 });

      const { body } = await get('/creds/status?status_filter=enabled&error_code_filter=403');
      expect(names(body)).toEqual(['b.json']);
    });

    it.each([
      ['offset=-1', 'offset'],
      ['offset=abc', 'offset'],
      ['offset=1.5', 'offset'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=5&limit=6', 'limit'],
      ['status_filter=broken', 'status_filter'],
      ['error_code_filter=abc', 'error_code_filter'],
      ['error_code_filter=42', 'error_code_filter'],
      ['cooldown_filter=soon', 'cooldown_filter'],
      ['model_key=', 'model_key'],
    ])('refuses ?%s with a 400 that names the parameter', async (query, parameter) => {
      const { status, body } = await get(`/creds/status?${query}`);
      expect(status).toBe(400);
      expect(body.statusCode).toBe(400);
      expect(body.message).toContain(parameter);
    });
  });

  describe('GET /creds/detail/:filename', () => {
    it('returns the full credential, secrets included, with its state', async () => {
      await seed(['detail.json']);
      await storage.updateState('geminicli', 'detail.json', {
        userEmail: 'me@example.com',
        lastSuccess: 1_700_000_000,
      });
      await storage.recordFailure('geminicli', 'detail.json', { code: 500 });

      const { status, body } = await get('/creds/detail/detail.json');

      expect(status).toBe(200);
      const state = {
        user_email: 'me@example.com',
        disabled: false,
        error_codes: [500],
        last_success: 1_700_000_000,
        call_count: 0,
        model_cooldowns: {},
        problem: null,
      };
      expect(body).toEqual({
        status: state,
        content: credential('detail.json'),
        filename: 'detail.json',
        backend_type: 'sqlite',
        ...state,
      });
    });

    it('finds names with percent signs, spaces, quotes and unicode', async () => {
      await seed([ODD_NAME, 'with space.json']);
      for (const name of [ODD_NAME, 'with space.json']) {
        const { status, body } = await get(`/creds/detail/${encodeURIComponent(name)}`);
        expect(status).toBe(200);
        expect(body.filename).toBe(name);
        expect(body.content).toEqual(credential(name));
      }
    });

    it('gives 404 for unknown names, matching names exactly', async () => {
      await seed(['exact.json']);
      for (const name of [
        'missing.json',
        'EXACT.json',
        'exact.jso',
        'xexact.json',
        'd/exact.json',
      ]) {
        const { status, body } = await get(`/creds/detail/${encodeURIComponent(name)}`);
        expect(status).toBe(404);
        expect(body).toMatchObject({ statusCode: 404, message: expect.stringContaining(name) });
      }
    });
  });

  describe('GET /creds/download/:filename', () => {
    it('sends the credential JSON as an attachment', async () => {
      await seed(['down.json']);
      const file = await download('/creds/download/down.json');
      expect(file.status).toBe(200);
      expect(file.type).toMatch(/^application\/json/);
      expect(file.disposition).toBe(`attachment; filename="down.json"; filename*=UTF-8''down.json`);
      expect(JSON.parse(strFromU8(file.bytes))).toEqual(credential('down.json'));
    });

    it('keeps the header safe and exact for names with quotes, percent signs and unicode', async () => {
      await seed([ODD_NAME]);
      const file = await download(`/creds/download/${encodeURIComponent(ODD_NAME)}`);
      expect(file.status).toBe(200);
      expect(JSON.parse(strFromU8(file.bytes))).toEqual(credential(ODD_NAME));
      const fallback = /^attachment; filename="([^"]*)"; filename\*=UTF-8''(\S+)$/.exec(
        file.disposition,
      );
      expect(fallback).not.toBeNull();
      expect(fallback![1]).toMatch(/^[\x20-\x7e]+$/);
      expect(fallback![1]).not.toMatch(/[%"\\]/);
      expect(decodeURIComponent(fallback![2])).toBe(ODD_NAME);
    });

    it('never puts a path separator into the file name', async () => {
      await storage.upsertCredential('geminicli', 'dir/evil.json', credential('evil'));
      const file = await download(`/creds/download/${encodeURIComponent('dir/evil.json')}`);
      expect(file.status).toBe(200);
      expect(file.disposition).toContain(`filename*=UTF-8''dir_evil.json`);
    });

    it('gives 404 for unknown names', async () => {
      await seed(['known.json']);
      const file = await download('/creds/download/unknown.json');
      expect(file.status).toBe(404);
      expect(JSON.parse(strFromU8(file.bytes))).toMatchObject({ statusCode: 404 });
    });
  });

  describe('GET /creds/download-all', () => {
    const unzipJson = (bytes: Uint8Array) =>
      Object.fromEntries(
        Object.entries(unzipSync(bytes)).map(([name, data]) => [name, JSON.parse(strFromU8(data))]),
      );

    it('gives 404 when the namespace has no credentials', async () => {
      await seed(['other.json'], 'antigravity');
      const file = await download('/creds/download-all');
      expect(file.status).toBe(404);
      expect(JSON.parse(strFromU8(file.bytes))).toMatchObject({ statusCode: 404 });
    });

    it('zips every credential as <name>.json, exactly as stored', async () => {
      await seed(['one.json', 'two.json', ODD_NAME]);
      const file = await download('/creds/download-all');
      expect(file.status).toBe(200);
      expect(file.type).toBe('application/zip');
      expect(file.disposition).toContain('filename="credentials.zip"');
      expect(unzipJson(file.bytes)).toEqual({
        'one.json': credential('one.json'),
        'two.json': credential('two.json'),
        [ODD_NAME]: credential(ODD_NAME),
      });
    });

    it('writes no path separators or control characters into entry names', async () => {
      const stored = ['dir/evil.json', '../up.json', 'back\\slash.json', 'tab\there.json', 'raw'];
      for (const name of stored)
        await storage.upsertCredential('geminicli', name, credential(name));
      await storage.upsertCredential('geminicli', 'dir_evil.json', credential('clash'));

      const entries = unzipJson((await download('/creds/download-all')).bytes);

      expect(Object.keys(entries).sort()).toEqual(
        [
          'dir_evil.json',
          '.._up.json',
          'back_slash.json',
          'tabhere.json',
          'raw.json',
          'dir_evil (2).json',
        ].sort(),
      );
      expect(entries['dir_evil.json']).toEqual(credential('dir/evil.json'));
      expect(entries['dir_evil (2).json']).toEqual(credential('clash'));
      expect(entries['raw.json']).toEqual(credential('raw'));
    });

    it('exports 10,000 credentials in under 3 seconds', async () => {
      const many = Array.from({ length: 10_000 }, (_, i) => `bulk-${i}.json`);
      await seed(many);
      const started = Date.now();
      const file = await download('/creds/download-all');
      const elapsed = Date.now() - started;
      expect(file.status).toBe(200);
      const entries = unzipJson(file.bytes);
      expect(Object.keys(entries)).toHaveLength(10_000);
      expect(entries['bulk-9999.json']).toEqual(credential('bulk-9999.json'));
      expect(elapsed).toBeLessThan(3_000);
    }, 60_000);
  });

  describe('POST /creds/action', () => {
    it('disables and enables a credential', async () => {
      await seed(['toggle.json']);

      const off = await post('/creds/action', { filename: 'toggle.json', action: 'disable' });
      expect(off).toEqual({ status: 200, body: { success: true, message: expect.any(String) } });
      expect((await storage.getState('geminicli', 'toggle.json'))?.disabled).toBe(true);

      const on = await post('/creds/action', { filename: 'toggle.json', action: 'enable' });
      expect(on.body.success).toBe(true);
      expect((await storage.getState('geminicli', 'toggle.json'))?.disabled).toBe(false);
    });

    it('deletes a credential, and a second delete is a 404', async () => {
      await seed(['gone.json', 'stays.json']);
      expect(
        (await post('/creds/action', { filename: 'gone.json', action: 'delete' })).body,
      ).toEqual({ success: true, message: expect.any(String) });
      expect(await storage.listCredentialNames('geminicli')).toEqual(['stays.json']);
      const again = await post('/creds/action', { filename: 'gone.json', action: 'delete' });
      expect(again.status).toBe(404);
    });

    it.each(['enable', 'disable', 'delete'])(
      'gives 404 for %s on an unknown or inexactly named credential, touching nothing',
      async (action) => {
        await seed(['real.json']);
        for (const filename of ['unknown.json', 'REAL.json', 'real', 'x/real.json']) {
          const { status, body } = await post('/creds/action', { filename, action });
          expect(status).toBe(404);
          expect(body.message).toContain(filename);
        }
        expect(await storage.getState('geminicli', 'real.json')).toMatchObject({ disabled: false });
      },
    );

    it('acts on names with percent signs, quotes and unicode', async () => {
      await seed([ODD_NAME]);
      await post('/creds/action', { filename: ODD_NAME, action: 'disable' });
      expect((await storage.getState('geminicli', ODD_NAME))?.disabled).toBe(true);
    });

    it.each([
      ['a bad action', { filename: 'a.json', action: 'explode' }, 'action'],
      ['a missing filename', { action: 'enable' }, 'filename'],
      ['an empty filename', { filename: '', action: 'enable' }, 'filename'],
      ['a non-string filename', { filename: ['a.json'], action: 'enable' }, 'filename'],
      ['a missing action', { filename: 'a.json' }, 'action'],
      ['a JSON array body', [], 'object'],
      ['malformed JSON', '{"filename": "a.json", ', ''],
    ])('refuses %s with 400', async (_, body, mentions) => {
      await seed(['a.json']);
      const response = await post('/creds/action', body);
      expect(response.status).toBe(400);
      expect(response.body.statusCode).toBe(400);
      expect(response.body.message).toContain(mentions);
      expect(await storage.getState('geminicli', 'a.json')).toMatchObject({ disabled: false });
    });
  });

  describe('POST /creds/batch-action', () => {
    it('applies the action to known names and lists unknown ones as errors', async () => {
      await seed(['a.json', 'b.json', 'c.json']);

      const { status, body } = await post('/creds/batch-action', {
        action: 'disable',
        filenames: ['a.json', 'ghost.json', 'c.json', 'A.json'],
      });

      expect(status).toBe(200);
      // The Python gcli2api's field names and types, with the per-name detail in new fields.
      expect(body).toEqual({
        success_count: 2,
        total_count: 4,
        errors: [
          expect.stringMatching(/^ghost\.json: .*ghost\.json/),
          expect.stringMatching(/^A\.json: /),
        ],
        message: expect.any(String),
        succeeded_files: ['a.json', 'c.json'],
        failures: [
          { filename: 'ghost.json', message: expect.stringContaining('ghost.json') },
          { filename: 'A.json', message: expect.stringContaining('A.json') },
        ],
      });
      const disabled = await get('/creds/status?status_filter=disabled');
      expect(names(disabled.body)).toEqual(['a.json', 'c.json']);
    });

    it('enables and deletes in batches, counting a repeated name once', async () => {
      await seed(['a.json', 'b.json', 'c.json', ODD_NAME]);
      await post('/creds/batch-action', { action: 'disable', filenames: ['a.json', 'b.json'] });

      const enabled = await post('/creds/batch-action', {
        action: 'enable',
        filenames: ['a.json', 'a.json'],
      });
      expect(enabled.body).toMatchObject({ success_count: 1, total_count: 1, errors: [] });

      const deleted = await post('/creds/batch-action', {
        action: 'delete',
        filenames: ['b.json', ODD_NAME, 'never.json'],
      });
      expect(deleted.body).toMatchObject({
        success_count: 2,
        total_count: 3,
        succeeded_files: ['b.json', ODD_NAME],
        failures: [{ filename: 'never.json' }],
      });
      expect(await storage.listCredentialNames('geminicli')).toEqual(['a.json', 'c.json']);
      expect((await storage.getState('geminicli', 'a.json'))?.disabled).toBe(false);
    });

    it('handles up to 10,000 names in one request', async () => {
      const many = Array.from({ length: 10_000 }, (_, i) => `${i}`);
      await seed(many.filter((_, i) => i % 2 === 0));
      const { status, body } = await post('/creds/batch-action', {
        action: 'disable',
        filenames: many,
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({ success_count: 5_000, total_count: 10_000 });
      expect(body.errors).toHaveLength(5_000);
      expect((await get('/creds/status?status_filter=disabled')).body.total).toBe(5_000);
    }, 60_000);

    it.each([
      ['a bad action', { action: 'explode', filenames: ['a.json'] }, 'action'],
      ['filenames that is not an array', { action: 'enable', filenames: 'a.json' }, 'filenames'],
      ['an empty list', { action: 'enable', filenames: [] }, 'filenames'],
      ['a list with a non-string', { action: 'enable', filenames: ['a.json', 7] }, 'filenames.1'],
      ['a missing list', { action: 'enable' }, 'filenames'],
      [
        'more than 10,000 names',
        { action: 'enable', filenames: Array.from({ length: 10_001 }, (_, i) => `${i}`) },
        'at most 10000',
      ],
      ['malformed JSON', '{"action": ', ''],
    ])('refuses %s with 400', async (_, body, mentions) => {
      await seed(['a.json']);
      await storage.updateState('geminicli', 'a.json', { disabled: true });
      const response = await post('/creds/batch-action', body);
      expect(response.status).toBe(400);
      expect(response.body.statusCode).toBe(400);
      expect(response.body.message).toContain(mentions);
      expect((await storage.getState('geminicli', 'a.json'))?.disabled).toBe(true);
    });
  });

  describe('POST /creds/dedupe', () => {
    const withSuccess = async (entries: Array<[string, string | null, number | null]>) => {
      await storage.upsertCredentials(
        'geminicli',
        entries.map(([name, token]) => ({
          name,
          data: token === null ? { client_id: 'x', token: 'ya29' } : credential(token),
        })),
      );
      for (const [name, , lastSuccess] of entries) {
        await storage.updateState('geminicli', name, { lastSuccess });
      }
    };

    it('keeps the credential with the newest success for each refresh token', async () => {
      await withSuccess([
        ['a-old.json', 'A', 100],
        ['a-new.json', 'A', 300],
        ['a-mid.json', 'A', 200],
        ['b-only.json', 'B', 50],
        ['t-first.json', 'T', 500],
        ['t-second.json', 'T', 500],
        ['u-never.json', 'U', null],
        ['u-once.json', 'U', 10],
        ['no-token-1.json', null, 1],
        ['no-token-2.json', null, 2],
      ]);

      const { status, body } = await post('/creds/dedupe', {});

      expect(status).toBe(200);
      expect(body).toEqual({
        success: true,
        removed: expect.any(Array),
        kept: expect.any(Array),
        groups: 3,
        message: expect.any(String),
      });
      expect([...body.kept].sort()).toEqual(['a-new.json', 't-first.json', 'u-once.json']);
      expect([...body.removed].sort()).toEqual([
        'a-mid.json',
        'a-old.json',
        't-second.json',
        'u-never.json',
      ]);
      expect(await storage.listCredentialNames('geminicli')).toEqual([
        'a-new.json',
        'b-only.json',
        't-first.json',
        'u-once.json',
        'no-token-1.json',
        'no-token-2.json',
      ]);
    });

    it('removes nothing when every refresh token is unique', async () => {
      await seed(['x.json', 'y.json']);
      const { body } = await post('/creds/dedupe', {});
      expect(body).toMatchObject({ success: true, removed: [], kept: [], groups: 0 });
      expect(await storage.listCredentialNames('geminicli')).toHaveLength(2);
    });

    it('dedupes 3,000 credentials sharing 1,000 refresh tokens', async () => {
      const count = 3_000;
      const entries = Array.from({ length: count }, (_, i) => ({
        name: `m-${i}.json`,
        token: `group-${i % 1_000}`,
        lastSuccess: 1_000 + ((i * 7_919) % count),
      }));
      await storage.upsertCredentials(
        'geminicli',
        entries.map((e) => ({ name: e.name, data: credential(e.token) })),
      );
      await Promise.all(
        entries.map((e) =>
          storage.updateState('geminicli', e.name, { lastSuccess: e.lastSuccess }),
        ),
      );
      const newest = new Map<string, (typeof entries)[number]>();
      for (const e of entries) {
        const best = newest.get(e.token);
        if (!best || e.lastSuccess > best.lastSuccess) newest.set(e.token, e);
      }

      const { status, body } = await post('/creds/dedupe', {});

      expect(status).toBe(200);
      expect(body.groups).toBe(1_000);
      expect(body.removed).toHaveLength(2_000);
      const kept = [...newest.values()].map((e) => e.name).sort();
      expect([...body.kept].sort()).toEqual(kept);
      expect((await storage.listCredentialNames('geminicli')).sort()).toEqual(kept);
    }, 60_000);
  });

  describe('the /antigravity twins', () => {
    it('list, show, download and change only antigravity credentials', async () => {
      await storage.upsertCredential('geminicli', 'same.json', credential('gemini'));
      await storage.upsertCredential('antigravity', 'same.json', credential('antigravity'));
      await storage.upsertCredential('antigravity', 'ag-only.json', credential('ag-only'));

      const listing = await get('/antigravity/creds/status');
      expect(names(listing.body)).toEqual(['same.json', 'ag-only.json']);
      expect(listing.body.stats).toEqual({ total: 2, normal: 2, disabled: 0 });
      expect(names((await get('/creds/status')).body)).toEqual(['same.json']);

      expect((await get('/antigravity/creds/detail/same.json')).body.content).toEqual(
        credential('antigravity'),
      );
      expect((await get('/creds/detail/same.json')).body.content).toEqual(credential('gemini'));
      expect((await get('/creds/detail/ag-only.json')).status).toBe(404);

      const single = await download('/antigravity/creds/download/same.json');
      expect(JSON.parse(strFromU8(single.bytes))).toEqual(credential('antigravity'));
      const all = await download('/antigravity/creds/download-all');
      expect(all.disposition).toContain('filename="antigravity_credentials.zip"');
      expect(Object.keys(unzipSync(all.bytes)).sort()).toEqual(['ag-only.json', 'same.json']);

      await post('/antigravity/creds/action', { filename: 'same.json', action: 'disable' });
      expect((await storage.getState('antigravity', 'same.json'))?.disabled).toBe(true);
      expect((await storage.getState('geminicli', 'same.json'))?.disabled).toBe(false);

      const batch = await post('/antigravity/creds/batch-action', {
        action: 'delete',
        filenames: ['ag-only.json'],
      });
      // The antigravity twin keeps its own reference shape: counts, and results per name.
      expect(batch.body).toEqual({
        success: true,
        success_count: 1,
        total: 1,
        succeeded: 1,
        failed: 0,
        results: [{ filename: 'ag-only.json', success: true }],
        message: expect.any(String),
      });
      const partly = await post('/antigravity/creds/batch-action', {
        action: 'disable',
        filenames: ['ghost.json', 'same.json'],
      });
      expect(partly.body).toMatchObject({
        success: false,
        success_count: 1,
        total: 2,
        succeeded: 1,
        failed: 1,
        results: [
          {
            filename: 'ghost.json',
            success: false,
            message: expect.stringContaining('ghost.json'),
          },
          { filename: 'same.json', success: true },
        ],
      });
      expect(
        (await post('/creds/action', { filename: 'ag-only.json', action: 'delete' })).status,
      ).toBe(404);
    });

    it('address antigravity however the path is capitalised', async () => {
      await storage.upsertCredential('geminicli', 'same.json', credential('gemini'));
      await storage.upsertCredential('antigravity', 'same.json', credential('antigravity'));
      const { body } = await get('/Antigravity/Creds/Detail/same.json');
      expect(body.content).toEqual(credential('antigravity'));
      await post('/ANTIGRAVITY/creds/action', { filename: 'same.json', action: 'delete' });
      expect(await storage.listCredentialNames('antigravity')).toEqual([]);
      expect(await storage.listCredentialNames('geminicli')).toEqual(['same.json']);
    });

    it('dedupe in one namespace leaves the other alone', async () => {
      for (const ns of NAMESPACES) {
        await storage.upsertCredentials(ns, [
          { name: 'first.json', data: credential('shared') },
          { name: 'second.json', data: credential('shared') },
        ]);
      }
      const { body } = await post('/antigravity/creds/dedupe', {});
      expect(body.groups).toBe(1);
      expect(await storage.listCredentialNames('antigravity')).toHaveLength(1);
      expect(await storage.listCredentialNames('geminicli')).toHaveLength(2);
    });

    it('validate their input the same way', async () => {
      expect((await get('/antigravity/creds/status?limit=0')).status).toBe(400);
      expect((await post('/antigravity/creds/action', { filename: 'x' })).status).toBe(400);
      expect((await post('/antigravity/creds/batch-action', '{')).status).toBe(400);
      expect((await download('/antigravity/creds/download-all')).status).toBe(404);
    });
  });
});

describe('credential admin routes while storage is down', () => {
  it('answer 503 instead of an empty result', async () => {
    const app = await createTestApp();
    try {
      await app.storage.close();
      for (const response of [
        await fetch(`${app.url}/creds/status`, { headers: app.auth }),
        await fetch(`${app.url}/creds/detail/a.json`, { headers: app.auth }),
        await fetch(`${app.url}/creds/download-all`, { headers: app.auth }),
        await fetch(`${app.url}/creds/batch-action`, {
          method: 'POST',
          headers: { ...app.auth, 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'enable', filenames: ['a.json'] }),
        }),
      ]) {
        expect(response.status).toBe(503);
        expect(((await response.json()) as any).message).toMatch(/^Storage is unavailable/);
      }
    } finally {
      await app.close();
    }
  });
});
