import { MASK } from '../../src/config/settings-editor.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { tempDir } from '../support/temp-dir';

/**
 * What a hostile client and a drop-in user of the Python gcli2api found on the admin routes:
 * bodies read before the session check, body text echoed in errors, the mask saved as a secret,
 * prototype keys let through, the Python panel's `credentials_dir` refused, its `detail` missing,
 * and a throttle that a forged X-Forwarded-For or a second instance got around.
 */
describe('admin routes against hostile and drop-in clients', () => {
  const dir = tempDir('gcli-admin-hardening-');
  // One proxy hop is trusted (`true` is taken as one): the client address is the last entry.
  const env = { CREDENTIALS_DIR: dir.path, TRUST_PROXY: 'true' };
  let t: TestApp;
  let proxyClients = 0;
  /** As a reverse proxy would send it: whatever the client wrote, then the address it saw. */
  const viaProxy = (forged: string) => ({
    'x-forwarded-for': `${forged}, 198.51.100.${++proxyClients}`,
  });

  const post = (path: string, body: string, headers: Record<string, string> = t.auth) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { ...viaProxy('10.0.0.1'), ...headers, 'content-type': 'application/json' },
      body,
    });
  const saveRaw = (configJson: string) => post('/config/save', `{"config":${configJson}}`);
  const view = async () =>
    (await (await fetch(`${t.url}/config/get`, { headers: t.auth })).json()) as {
      config: Record<string, unknown>;
      env_locked: string[];
    };

  beforeAll(async () => {
    t = await createTestApp(env);
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  describe('bodies are read only after the session check', () => {
    it.each([
      '/creds/import-text',
      '/antigravity/creds/import-text',
      '/creds/batch-action',
      '/creds/action',
      '/config/save',
    ])('answers 401 to an anonymous malformed body on %s', async (path) => {
      const response = await post(path, '{"content": [1, 2,', {});
      expect(response.status).toBe(401);
      expect(((await response.json()) as { message: string }).message).toMatch(/log in/i);
    });

    it('answers 401 to an anonymous 19 MB body without reading it', async () => {
      const huge = `{"content":"${'x'.repeat(19 * 2 ** 20)}"}`;
      const response = await post('/creds/import-text', huge, { authorization: 'Bearer nope' });
      expect(response.status).toBe(401);
    });

    it('still reads a logged-in body up to the route cap and refuses more with 413', async () => {
      const big = JSON.stringify({ action: 'enable', filenames: ['x'.repeat(200 * 1024)] });
      const batch = await post('/creds/batch-action', big);
      expect(batch.status).toBe(200);
      const action = await post('/creds/action', big);
      expect(action.status).toBe(413);
      expect(((await action.json()) as { message: string }).message).toContain('100 KiB');
    });
  });

  describe('error bodies', () => {
    it('describe malformed JSON without quoting the body', async () => {
      const response = await saveRaw('{"retry_429_interval":NaN}}');
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).not.toContain('NaN');
      expect(text).not.toContain('retry_429_interval');
      expect(JSON.parse(text)).toMatchObject({
        statusCode: 400,
        message: expect.stringMatching(/^The request body is not valid JSON/),
      });
    });

    it('refuse a body nested deeper than 128 levels before parsing it', async () => {
      const deep = `{"content":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
      const response = await post('/creds/import-text', deep);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain(
        'nested more than 128 levels deep',
      );
    });

    it('carry the message as `detail` too, where the Python panel reads it', async () => {
      const bad = await saveRaw('{"no_such_setting":1}');
      const body = (await bad.json()) as { message: string; detail: string; errors: unknown[] };
      expect(bad.status).toBe(400);
      expect(body.detail).toBe(body.message);
      expect(body.errors).toEqual([{ key: 'no_such_setting', reason: 'is not a known setting' }]);
      const missing = await post('/creds/action', '{"filename":"ghost.json","action":"enable"}');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ detail: expect.stringContaining('ghost.json') });
      const anonymous = await fetch(`${t.url}/config/get`);
      expect(await anonymous.json()).toMatchObject({ detail: expect.stringMatching(/log in/i) });
    });
  });

  describe('/config/save', () => {
    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses the key %s, saving nothing',
      async (key) => {
        const before = await t.storage.getAllConfig();
        const response = await saveRaw(`{"${key}":{"port":1},"retry_429_max_retries":4}`);
        expect(response.status).toBe(400);
        expect(((await response.json()) as { message: string }).message).toBe(
          `config.${key}: this key is not accepted`,
        );
        expect(await t.storage.getAllConfig()).toEqual(before);
      },
    );

    it('never stores the mask as a secret, even when no such password is set', async () => {
      expect((await view()).config.panel_password).toBe('');
      const response = await saveRaw(JSON.stringify({ panel_password: MASK, password: MASK }));
      expect(response.status).toBe(200);
      expect(await t.storage.getAllConfig()).not.toHaveProperty('panel_password');
      // The session is still good and the login password unchanged.
      expect((await fetch(`${t.url}/config/get`, { headers: t.auth })).status).toBe(200);
      const login = await post('/auth/login', JSON.stringify({ password: t.panelPassword }), {});
      expect(login.status).toBe(200);
    });

    it('refuses a URL whose password is still masked', async () => {
      const response = await saveRaw(JSON.stringify({ proxy: 'http://user:***@proxy.test:8080' }));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: unknown[] }).errors).toEqual([
        { key: 'proxy', reason: expect.stringContaining('masked password') },
      ]);
    });

    it('shows credentials_dir read-only and takes it back unchanged, as the Python panel posts it', async () => {
      const shown = await view();
      expect(shown.config.credentials_dir).toBe(dir.path);
      expect(shown.env_locked).toContain('credentials_dir');
      const same = await saveRaw(
        JSON.stringify({ credentials_dir: dir.path, calls_per_rotation: 3 }),
      );
      expect(same.status).toBe(200);
      expect((await view()).config.calls_per_rotation).toBe(3);
      const moved = await saveRaw(JSON.stringify({ credentials_dir: '/elsewhere' }));
      expect(moved.status).toBe(400);
      expect(((await moved.json()) as { errors: unknown[] }).errors).toEqual([
        { key: 'credentials_dir', reason: expect.stringContaining('CREDENTIALS_DIR') },
      ]);
    });
  });

  it('refuses credential names with bidirectional text controls', async () => {
    const form = new FormData();
    const credential = JSON.stringify({ refresh_token: 'r', client_id: 'c', client_secret: 's' });
    form.append('files', new Blob([credential]), '\u202Egnp.json');
    const response = await fetch(`${t.url}/auth/upload`, {
      method: 'POST',
      headers: t.auth,
      body: form,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { results: Array<{ message: string }> };
    expect(body.results[0].message).toContain('bidirectional');
    expect(await t.storage.listCredentialNames('geminicli')).toEqual([]);
  });

  describe('password throttle', () => {
    const login = (password: string, headers: Record<string, string>, url = t.url) =>
      fetch(`${url}/auth/login`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });

    it('counts the address the proxy saw, not the one the client wrote (TRUST_PROXY=true)', async () => {
      const real = '203.0.113.77';
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const headers = { 'x-forwarded-for': `192.0.2.${i}, ${real}` };
        statuses.push((await login('wrong', headers)).status);
      }
      expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
    });

    it('holds across gateway instances sharing the storage backend', async () => {
      const other = await createTestApp(env, { login: false });
      try {
        const client = { 'x-forwarded-for': '203.0.113.88' };
        for (let i = 0; i < 5; i++) expect((await login('wrong', client)).status).toBe(401);
        const elsewhere = await login(t.panelPassword, client, other.url);
        expect(elsewhere.status).toBe(429);
        expect(Number(elsewhere.headers.get('retry-after'))).toBeGreaterThan(50);
        // Wrong API keys on the other instance count toward the same budget too.
        const api = await fetch(`${other.url}/v1/models`, {
          headers: { ...client, authorization: 'Bearer pwd' },
        });
        expect(api.status).toBe(429);
      } finally {
        await other.close();
      }
    });
  });
});
