import { SettingsService } from '../../src/config/settings.service';
import { jest } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { zipSync } from 'fflate';
import type { Namespace } from '../../src/storage/storage-backend.interface';
import { createTestApp, type TestApp } from '../support/test-app';

const MiB = 1024 * 1024;
const encode = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** A Gemini CLI credential whose secrets carry `tag`, so a test can look for leaks. */
function credential(tag: string, extra: Record<string, unknown> = {}) {
  return {
    client_id: 'client-id',
    client_secret: `secret-${tag}`,
    refresh_token: `refresh-${tag}`,
    token: `access-${tag}`,
    expiry: '2030-01-01T00:00:00Z',
    project_id: `project-${tag}`,
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    token_uri: 'https://oauth2.googleapis.com/token',
    ...extra,
  };
}

/** Sets the declared uncompressed size of every entry of a zip (local and central headers). */
function lieAboutSizes(zip: Uint8Array, size: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (let p = 0; p + 4 <= copy.length; p++) {
    const signature = view.getUint32(p, true);
    if (signature === 0x04034b50) view.setUint32(p + 22, size, true);
    if (signature === 0x02014b50) view.setUint32(p + 24, size, true);
  }
  return copy;
}

describe('credential import over HTTP', () => {
  let t: TestApp;
  let bomb: Uint8Array;

  beforeAll(async () => {
    t = await createTestApp();
    // 300 MiB of zeros: about 300 KB compressed.
    bomb = zipSync({ 'bomb.json': new Uint8Array(300 * MiB) }, { level: 9 });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  type Part = [name: string, content: Uint8Array | string | object];

  async function upload(parts: Part[], path = '/auth/upload') {
    const form = new FormData();
    for (const [name, content] of parts) {
      const bytes = content instanceof Uint8Array ? content : encode(content);
      form.append('files', new Blob([bytes]), name);
    }
    // Building a large form blocks the event loop this app shares with the client. Let timers
    // that expired meanwhile (keep-alive) close idle connections first, or the request may go
    // out on a connection the server is closing, and fail with ECONNRESET.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: t.auth,
      body: form,
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, any>,
    };
  }

  async function post(path: string, body: unknown, contentType = 'application/json') {
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  const names = (ns: Namespace = 'geminicli') => t.storage.listCredentialNames(ns);
  const resultOf = (body: Record<string, any>, filename: string) =>
    body.results.find((r: { filename: string }) => r.filename === filename);

  describe('POST /auth/upload', () => {
    it('stores a single .json file, normalised, and lists it as stored', async () => {
      const rest: Record<string, unknown> = credential('single');
      delete rest.token;
      delete rest.project_id;
      const file = { ...rest, access_token: 'access-single', quota_project_id: 'quota-proj' };
      const { status, body } = await upload([['single.json', file]]);
      expect(status).toBe(200);
      expect(body).toEqual({
        uploaded_count: 1,
        total_count: 1,
        results: [{ filename: 'single.json', status: 'stored', message: 'stored' }],
        message: 'Stored 1 credential files',
      });
      expect(await t.storage.getCredential('geminicli', 'single.json')).toEqual({
        ...file,
        project_id: 'quota-proj',
        token: 'access-single',
      });
    });

    it('stores the good files of a mixed upload and gives each bad one its reason', async () => {
      const { status, body } = await upload([
        ['good-1.json', credential('good-1')],
        ['broken.json', '{"refresh_token": "refresh-broken", '],
        ['list.json', [credential('in-list')]],
        ['no-refresh.json', { ...credential('no-refresh'), refresh_token: undefined }],
        ['empty-refresh.json', { ...credential('empty-refresh'), refresh_token: '' }],
        ['notes.txt', credential('notes')],
        ['good-2.JSON', credential('good-2')],
      ]);
      expect(status).toBe(200);
      expect(body.uploaded_count).toBe(2);
      expect(body.total_count).toBe(7);
      expect(body.message).toBe('Stored 2 of 7 credential files; 5 rejected (see results)');
      expect(body.results.map((r: { status: string }) => r.status)).toEqual([
        'stored',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'stored',
      ]);
      expect(resultOf(body, 'broken.json').message).toMatch(/^not valid JSON/);
      expect(resultOf(body, 'list.json').message).toBe('not a JSON object (found an array)');
      expect(resultOf(body, 'no-refresh.json').message).toBe('missing refresh_token');
      expect(resultOf(body, 'empty-refresh.json').message).toBe(
        'refresh_token must be a non-empty string',
      );
      expect(resultOf(body, 'notes.txt').message).toBe(
        'unsafe file name: the name must end with .json',
      );
      const stored = await names();
      expect(stored).toEqual(expect.arrayContaining(['good-1.json', 'good-2.JSON']));
      expect(stored).not.toContain('broken.json');
      // Reasons never quote what the files hold.
      expect(JSON.stringify(body)).not.toMatch(/refresh-|secret-|access-/);
    });

    it('rejects unsafe file names as sent, never cutting them to a basename', async () => {
      const unsafe = [
        '..json',
        'a/b.json',
        '../up.json',
        'dir\\win.json',
        'tab\there.json',
        `${'x'.repeat(251)}é.json`,
        '.json',
      ];
      const { status, body } = await upload(unsafe.map((name) => [name, credential(name)]));
      expect(status).toBe(400);
      expect(body.statusCode).toBe(400);
      expect(body.uploaded_count).toBe(0);
      expect(body.results.map((r: { filename: string }) => r.filename)).toEqual(unsafe);
      for (const result of body.results) {
        expect(result).toMatchObject({ status: 'rejected', message: /^unsafe file name: / });
      }
      const stored = await names();
      for (const name of ['b.json', 'up.json', 'win.json', '..json']) {
        expect(stored).not.toContain(name);
      }
    });

    it('keeps a non-ASCII file name as sent', async () => {
      const { status, body } = await upload([['ünïcödé 名前.json', credential('utf8')]]);
      expect(status).toBe(200);
      expect(body.results[0].filename).toBe('ünïcödé 名前.json');
      expect(await t.storage.getCredential('geminicli', 'ünïcödé 名前.json')).not.toBeNull();
    });

    it('rejects a .json file over 1 MiB and stores the others', async () => {
      const big = { ...credential('big'), padding: 'x'.repeat(MiB) };
      const { status, body } = await upload([
        ['big.json', big],
        ['small.json', credential('small')],
      ]);
      expect(status).toBe(200);
      expect(resultOf(body, 'big.json')).toMatchObject({
        status: 'rejected',
        message: 'larger than 1 MiB',
      });
      expect(resultOf(body, 'small.json').status).toBe('stored');
    });

    it('stores the last of two files with the same name and says the first was replaced', async () => {
      const { body } = await upload([
        ['twice.json', credential('first')],
        ['twice.json', credential('second')],
      ]);
      expect(body.results).toEqual([
        {
          filename: 'twice.json',
          status: 'rejected',
          message: 'replaced by a later file with the same name in this request',
        },
        { filename: 'twice.json', status: 'stored', message: 'stored' },
      ]);
      expect(await t.storage.getCredential('geminicli', 'twice.json')).toMatchObject({
        refresh_token: 'refresh-second',
      });
    });

    it('keeps state when a credential is re-uploaded, replacing its data', async () => {
      await upload([['keep.json', credential('keep-v1')]]);
      await t.storage.updateState('geminicli', 'keep.json', { disabled: true });
      await t.storage.recordFailure('geminicli', 'keep.json', { code: 429 });
      const { status } = await upload([['keep.json', credential('keep-v2')]]);
      expect(status).toBe(200);
      expect(await t.storage.getCredential('geminicli', 'keep.json')).toMatchObject({
        refresh_token: 'refresh-keep-v2',
      });
      expect(await t.storage.getState('geminicli', 'keep.json')).toMatchObject({
        disabled: true,
        errorCodes: [429],
      });
    });

    it('stores antigravity uploads apart from Gemini CLI ones', async () => {
      const { status } = await upload([['ag_one.json', credential('ag')]], '/antigravity/upload');
      expect(status).toBe(200);
      expect(await t.storage.getCredential('antigravity', 'ag_one.json')).toMatchObject({
        refresh_token: 'refresh-ag',
      });
      expect(await t.storage.getCredential('geminicli', 'ag_one.json')).toBeNull();
    });

    it('answers 400 "no files" for an upload without files, multipart or not', async () => {
      const form = new FormData();
      form.append('note', 'no files here');
      const empty = await fetch(`${t.url}/auth/upload`, {
        method: 'POST',
        headers: t.auth,
        body: form,
      });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toMatchObject({ statusCode: 400, message: /^No files/ });

      const notMultipart = await post('/auth/upload', { files: [] });
      expect(notMultipart.status).toBe(400);
      expect(notMultipart.body.message).toMatch(/^No files/);
    });

    it('answers 400 for a malformed multipart body', async () => {
      const response = await fetch(`${t.url}/auth/upload`, {
        method: 'POST',
        headers: { ...t.auth, 'content-type': 'multipart/form-data; boundary=XYZ' },
        body: '--XYZ\r\nContent-Disposition: form-data; name="files"; filename="a.json"\r\n\r\n{"a"',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, message: /Multipart/ });
    });

    it('answers 400 with a clear message for a file field other than "files"', async () => {
      const form = new FormData();
      form.append('file', new Blob([encode(credential('field'))]), 'field.json');
      const response = await fetch(`${t.url}/auth/upload`, {
        method: 'POST',
        headers: t.auth,
        body: form,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        message: 'Unexpected file field "file": send credential files in the field "files"',
      });
    });
  });

  describe('ZIP archives', () => {
    it('imports *.json entries by basename, skipping directories, __MACOSX and other files', async () => {
      const zip = zipSync({
        team: {},
        'team/eu/zip-a.json': encode(credential('zip-a')),
        'zip-b.json': encode(credential('zip-b')),
        '__MACOSX/team/eu/._zip-a.json': encode('binary resource fork'),
        'README.txt': encode('not a credential'),
        'team/bad.json': encode('{oops'),
        '../evil.json': encode(credential('evil')),
        'dir/../../x.json': encode(credential('x')),
        '/abs.json': encode(credential('abs')),
      });
      const { status, body } = await upload([
        ['bundle.zip', zip],
        ['loose.json', credential('loose')],
      ]);
      expect(status).toBe(200);
      expect(body.results).toEqual([
        {
          filename: 'zip-a.json',
          status: 'stored',
          message: 'stored',
          archive: 'bundle.zip',
          entry: 'team/eu/zip-a.json',
        },
        {
          filename: 'zip-b.json',
          status: 'stored',
          message: 'stored',
          archive: 'bundle.zip',
          entry: 'zip-b.json',
        },
        expect.objectContaining({
          filename: 'bad.json',
          status: 'rejected',
          message: expect.stringMatching(/^not valid JSON/),
        }),
        expect.objectContaining({
          filename: 'evil.json',
          entry: '../evil.json',
          status: 'rejected',
          message: 'unsafe path in the archive: it contains ..',
        }),
        expect.objectContaining({
          filename: 'x.json',
          entry: 'dir/../../x.json',
          status: 'rejected',
          message: 'unsafe path in the archive: it contains ..',
        }),
        expect.objectContaining({
          filename: 'abs.json',
          status: 'rejected',
          message: 'unsafe path in the archive: it is absolute',
        }),
        { filename: 'loose.json', status: 'stored', message: 'stored' },
      ]);
      expect(body.uploaded_count).toBe(3);
      const stored = await names();
      expect(stored).toEqual(expect.arrayContaining(['zip-a.json', 'zip-b.json', 'loose.json']));
      expect(stored).not.toContain('evil.json');
      expect(stored).not.toContain('x.json');
    });

    it('refuses a zip bomb with 413 and stores nothing from that request', async () => {
      const before = await names();
      const { status, body } = await upload([
        ['fine.json', credential('bomb-neighbour')],
        ['bomb.zip', bomb],
      ]);
      expect(status).toBe(413);
      expect(body).toMatchObject({
        statusCode: 413,
        message:
          'Upload refused: entry "bomb.json" of "bomb.zip" inflates to more than 1 MiB; nothing was stored',
      });
      expect(await names()).toEqual(before);
    });

    it('refuses an entry whose header lies about its size, counting the bytes inflated', async () => {
      const liar = lieAboutSizes(bomb, 100);
      const { status, body } = await upload([['liar.zip', liar]]);
      expect(status).toBe(413);
      expect(body.message).toMatch(/inflates to more than 1 MiB/);
      expect(await t.storage.getCredential('geminicli', 'bomb.json')).toBeNull();
    });

    it('refuses archives with more entries than import_max_archive_entries with 413', async () => {
      const save = await fetch(`${t.url}/config/save`, {
        method: 'POST',
        headers: { ...t.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ config: { import_max_archive_entries: 20_000 } }),
      });
      expect(save.status).toBe(200);
      try {
        const files: Record<string, Uint8Array> = {};
        for (let i = 0; i <= 20_000; i++) files[`e/${i}.txt`] = new Uint8Array(0);
        const { status, body } = await upload([
          ['crowd.zip', zipSync(files, { level: 0 })],
          ['crowd-neighbour.json', credential('crowd')],
        ]);
        expect(status).toBe(413);
        expect(body.message).toBe(
          'Upload refused: the archives of this upload hold more than 20000 entries ' +
            '(the import_max_archive_entries setting); nothing was stored',
        );
        expect(await t.storage.getCredential('geminicli', 'crowd-neighbour.json')).toBeNull();
      } finally {
        await t.storage.updateConfig({}, ['import_max_archive_entries']);
        await t.app.get(SettingsService).reload();
      }
    });

    it('answers 400 naming a corrupt archive, storing nothing', async () => {
      const good = zipSync({ 'in-corrupt.json': encode(credential('corrupt')) });
      const damaged = good.slice();
      damaged[30 + 'in-corrupt.json'.length + 3] ^= 0xff; // inside the compressed data
      for (const [name, bytes] of [
        ['random.zip', encode('this is not a zip archive at all')],
        ['damaged.zip', damaged],
        ['truncated.zip', good.subarray(0, good.length - 30)],
      ] as const) {
        const { status, body } = await upload([
          ['corrupt-neighbour.json', credential('corrupt-neighbour')],
          [name, bytes],
        ]);
        expect(status).toBe(400);
        expect(body.message).toMatch(
          new RegExp(
            `^"${name.replace('.', '\\.')}" is not a readable ZIP archive: .+; nothing was stored$`,
          ),
        );
      }
      expect(await t.storage.getCredential('geminicli', 'corrupt-neighbour.json')).toBeNull();
      expect(await t.storage.getCredential('geminicli', 'in-corrupt.json')).toBeNull();
    });

    it('leaves no temporary file once an archive upload is answered, stored or refused', async () => {
      // Node's os module reads the real environment, not Jest's copy: watch the real tmpdir.
      const uploads = () => readdirSync(tmpdir()).filter((name) => name.startsWith('gcli-upload-'));
      const before = uploads();
      const good = zipSync({ 'in-temp.json': encode(credential('temp')) });
      expect((await upload([['temp.zip', good]])).status).toBe(200);
      expect((await upload([['bad.zip', encode('not a zip')]])).status).toBe(400);
      expect(uploads().filter((name) => !before.includes(name))).toEqual([]);
    });
  });

  describe('upload limits and scale', () => {
    it('refuses more than 20,000 files in one upload with 413', async () => {
      const parts: Part[] = [];
      for (let i = 0; i <= 20_000; i++) parts.push([`many-${i}.json`, '{}']);
      const { status, body } = await upload(parts);
      expect(status).toBe(413);
      expect(body.message).toBe('Too many files: at most 20000 per upload; nothing was stored');
      expect(await t.storage.getCredential('geminicli', 'many-0.json')).toBeNull();
    }, 60_000);

    it('refuses an upload over 200 MiB with 413', async () => {
      const { status, body } = await upload([
        ['huge-neighbour.json', credential('huge')],
        ['huge.zip', new Uint8Array(200 * MiB + 1)],
      ]);
      expect(status).toBe(413);
      expect(body.message).toBe('The upload is larger than 200 MiB; nothing was stored');
      expect(await t.storage.getCredential('geminicli', 'huge-neighbour.json')).toBeNull();
    }, 60_000);

    it('imports 10,000 files in one upload with one bulk write', async () => {
      const parts: Part[] = [];
      for (let i = 0; i < 10_000; i++) parts.push([`bulk-${i}.json`, credential(`bulk-${i}`)]);
      const before = (await names()).length;
      const writes = jest.spyOn(t.storage, 'upsertCredentials');
      const started = performance.now();
      const { status, headers, body } = await upload(parts);
      const seconds = (performance.now() - started) / 1000;
      expect(writes).toHaveBeenCalledTimes(1);
      writes.mockRestore();
      expect(status).toBe(200);
      expect(body.uploaded_count).toBe(10_000);
      // The answer lists all 10,000 and is written as it is read, never built whole.
      expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(headers.get('transfer-encoding')).toBe('chunked');
      expect(body.results).toHaveLength(10_000);
      expect(body.results[9_999]).toEqual({
        filename: 'bulk-9999.json',
        status: 'stored',
        message: 'stored',
      });
      expect(body.message).toBe('Stored 10000 credential files');
      expect((await names()).length).toBe(before + 10_000);
      process.stdout.write(`10,000 files in one upload (SQLite): ${seconds.toFixed(2)} s\n`);
    }, 120_000);

    it('stores a large archive in writes of 2,000 entries, and all of it', async () => {
      const files: Record<string, Uint8Array> = {};
      for (let i = 0; i < 4_500; i++) files[`batch-${i}.json`] = encode(credential(`batch-${i}`));
      const before = (await names()).length;
      const writes = jest.spyOn(t.storage, 'upsertCredentials');
      const { status, body } = await upload([['batches.zip', zipSync(files, { level: 1 })]]);
      const sizes = writes.mock.calls.map(([, batch]) => batch.length);
      writes.mockRestore();
      expect(status).toBe(200);
      expect(body.uploaded_count).toBe(4_500);
      expect(sizes).toEqual([2_000, 2_000, 500]);
      expect((await names()).length).toBe(before + 4_500);
      expect(await t.storage.getCredential('geminicli', 'batch-4499.json')).toMatchObject({
        refresh_token: 'refresh-batch-4499',
      });
    }, 120_000);
  });

  describe('POST /creds/import-text', () => {
    it('imports one credential given as JSON text, named after its project', async () => {
      const { status, body } = await post('/creds/import-text', {
        content: JSON.stringify(credential('text-one')),
      });
      expect(status).toBe(200);
      expect(body).toEqual({
        success: true,
        imported: 1,
        skipped: 0,
        errors: [],
        results: [
          { filename: 'project-text-one.json', status: 'stored', message: 'stored', index: 0 },
        ],
        message: 'Stored 1 credentials',
      });
      expect(await t.storage.getCredential('geminicli', 'project-text-one.json')).toMatchObject(
        credential('text-one'),
      );
    });

    it('imports an array, never giving two credentials of one request the same name', async () => {
      const { status, body } = await post('/creds/import-text', {
        content: [
          credential('arr-1', { project_id: 'shared-project' }),
          credential('arr-2', { project_id: 'shared-project' }),
          credential('arr-3', { project_id: undefined }),
          credential('arr-4', { project_id: 'projects/random-1a2b/locations/global' }),
          { client_id: 'no refresh token' },
          42,
        ],
      });
      expect(status).toBe(200);
      expect(body.imported).toBe(4);
      expect(body.skipped).toBe(2);
      expect(body.results.map((r: { filename: string }) => r.filename).slice(0, 4)).toEqual([
        'shared-project.json',
        'shared-project-2.json',
        'imported_2.json',
        'imported_3.json',
      ]);
      expect(body.errors).toEqual([
        'item 4: missing refresh_token',
        'item 5: not a JSON object (found a number)',
      ]);
      expect(await t.storage.getCredential('geminicli', 'shared-project-2.json')).toMatchObject({
        refresh_token: 'refresh-arr-2',
      });
    });

    it('does not replace a credential imported earlier under a fallback name', async () => {
      const first = await post('/creds/import-text', {
        content: [credential('fb-1', { project_id: undefined })],
      });
      const second = await post('/creds/import-text', {
        content: [credential('fb-2', { project_id: undefined })],
      });
      const firstName = first.body.results[0].filename;
      const secondName = second.body.results[0].filename;
      expect(secondName).not.toBe(firstName);
      expect(await t.storage.getCredential('geminicli', firstName)).toMatchObject({
        refresh_token: 'refresh-fb-1',
      });
    });

    it('uses the antigravity namespace for is_antigravity or the /antigravity/ path', async () => {
      await post('/creds/import-text', {
        content: credential('ag-flag', { project_id: 'ag-flag' }),
        is_antigravity: true,
      });
      await post('/antigravity/creds/import-text', {
        content: credential('ag-path', { project_id: 'ag-path' }),
      });
      expect(await t.storage.getCredential('antigravity', 'ag-flag.json')).not.toBeNull();
      expect(await t.storage.getCredential('antigravity', 'ag-path.json')).not.toBeNull();
      expect(await t.storage.getCredential('geminicli', 'ag-flag.json')).toBeNull();
      expect(await t.storage.getCredential('geminicli', 'ag-path.json')).toBeNull();
    });

    it('answers 400 with a message for content that is not valid JSON, quoting none of it', async () => {
      const { status, body } = await post('/creds/import-text', {
        content: '{"refresh_token": "refresh-leak", oops}',
      });
      expect(status).toBe(400);
      expect(body).toMatchObject({ statusCode: 400, message: /^content is not valid JSON/ });
      expect(JSON.stringify(body)).not.toContain('refresh-leak');
    });

    it('answers 400 for bad bodies and when nothing could be imported', async () => {
      const raw = await post('/creds/import-text', '{"content": ', 'application/json');
      expect(raw.status).toBe(400);
      expect(raw.body.message).toMatch(/^The request body is not valid JSON/);

      for (const content of [undefined, '', '[]', '"a string"', 7]) {
        const { status } = await post('/creds/import-text', { content });
        expect(status).toBe(400);
      }
      const flag = await post('/creds/import-text', { content: '{}', is_antigravity: 'yes' });
      expect(flag.body.message).toBe('is_antigravity must be true or false');

      const none = await post('/creds/import-text', { content: [{ refresh_token: '' }] });
      expect(none.status).toBe(400);
      expect(none.body).toMatchObject({ statusCode: 400, success: false, imported: 0, skipped: 1 });
    });

    it('accepts bodies far over 100 KB and refuses those over 20 MiB with 413', async () => {
      const many = Array.from({ length: 3000 }, (_, i) => credential(`large-${i}`));
      const large = await post('/creds/import-text', { content: JSON.stringify(many) });
      expect(JSON.stringify({ content: JSON.stringify(many) }).length).toBeGreaterThan(900_000);
      expect(large.status).toBe(200);
      expect(large.body.imported).toBe(3000);

      const huge = await post('/creds/import-text', { content: 'x'.repeat(21 * MiB) });
      expect(huge.status).toBe(413);
      expect(huge.body).toMatchObject({
        statusCode: 413,
        message: /^The request body is larger than 20 MiB/,
      });
    });
  });
});
