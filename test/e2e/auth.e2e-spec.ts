import { createTestApp, type TestApp } from '../support/test-app';
import { tempDir } from '../support/temp-dir';

const PANEL = 'panel-secret-1';
const API = 'api-secret-1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every client of this file gets its own address through X-Forwarded-For (TRUST_PROXY). */
let clients = 0;
const newClient = () => `203.0.113.${++clients}`;

describe('panel sessions and the API password', () => {
  let t: TestApp;
  const dir = tempDir('gcli-auth-');

  const login = (password: string, client = newClient()) =>
    fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ password }),
    });
  const tokenOf = async (response: Response) =>
    ((await response.json()) as { token: string }).token;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const configGet = (headers: Record<string, string> = {}) =>
    fetch(`${t.url}/config/get`, { headers });
  const save = (config: Record<string, unknown>, headers = t.auth) =>
    fetch(`${t.url}/config/save`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ config }),
    });

  beforeAll(async () => {
    // PANEL_PASSWORD comes from storage here (not env), so it can be changed by a test.
    t = await createTestApp(
      { CREDENTIALS_DIR: dir.path, TRUST_PROXY: 'loopback' },
      { login: false },
    );
    await t.storage.updateConfig({ panel_password: PANEL, api_password: API });
    await t.close();
    t = await createTestApp({ CREDENTIALS_DIR: dir.path, TRUST_PROXY: 'loopback' });
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  it('logs in with the panel password and answers a random expiring token, never the password', async () => {
    const response = await login(PANEL);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(PANEL);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body.token).toMatch(/^[\w-]{40,}$/);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(86_400);
    const expires = Date.parse(body.expires_at as string);
    expect(expires).toBeGreaterThan(Date.now() + 86_000_000);
    expect((await configGet(bearer(body.token as string))).status).toBe(200);
    const second = await tokenOf(await login(PANEL));
    expect(second).not.toBe(body.token);
  });

  it('refuses a wrong password with 401 and a malformed body with 400 saying what is wrong', async () => {
    const wrong = await login('nope');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toBe('Wrong panel password');
    const empty = await fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { message: string }).message).toMatch(/password/);
  });

  it('does not take the API password, or the password itself, as a panel session', async () => {
    expect((await configGet(bearer(API))).status).toBe(401);
    expect((await configGet(bearer(PANEL))).status).toBe(401);
    expect((await login(API)).status).toBe(401);
  });

  it('ends a session on logout, and logout needs a session', async () => {
    const token = await tokenOf(await login(PANEL));
    const out = await fetch(`${t.url}/auth/logout`, { method: 'POST', headers: bearer(token) });
    expect(out.status).toBe(200);
    const after = await configGet(bearer(token));
    expect(after.status).toBe(401);
    expect(((await after.json()) as { message: string }).message).toMatch(/invalid or expired/);
    expect((await fetch(`${t.url}/auth/logout`, { method: 'POST' })).status).toBe(401);
  });

  it('keeps sessions across a restart of the gateway', async () => {
    const token = await tokenOf(await login(PANEL));
    await t.close();
    t = await createTestApp({ CREDENTIALS_DIR: dir.path, TRUST_PROXY: 'loopback' });
    expect((await configGet(bearer(token))).status).toBe(200);
  });

  it('expires a session after panel_session_ttl seconds', async () => {
    expect((await save({ panel_session_ttl: 1 })).status).toBe(200);
    try {
      const response = await login(PANEL);
      const body = (await response.json()) as { token: string; expires_in: number };
      expect(body.expires_in).toBe(1);
      expect((await configGet(bearer(body.token))).status).toBe(200);
      await sleep(1300);
      expect((await configGet(bearer(body.token))).status).toBe(401);
    } finally {
      expect((await save({ panel_session_ttl: null })).status).toBe(200);
    }
  });

  it('throttles a client after five failed logins a minute with 429, even for the right password', async () => {
    const client = newClient();
    for (let i = 0; i < 5; i++) expect((await login('wrong', client)).status).toBe(401);
    const blocked = await login(PANEL, client);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(55);
    expect(((await blocked.json()) as { message: string }).message).toMatch(/try again in/);
    // Another client is not affected.
    expect((await login(PANEL, newClient())).status).toBe(200);
  });

  it('ends every session when the panel password changes', async () => {
    const token = await tokenOf(await login(PANEL));
    const headers = bearer(token);
    expect((await save({ panel_password: 'panel-secret-2' }, headers)).status).toBe(200);
    try {
      expect((await configGet(headers)).status).toBe(401);
      expect((await login(PANEL)).status).toBe(401);
      t.auth = bearer(await tokenOf(await login('panel-secret-2')));
      expect((await configGet(t.auth)).status).toBe(200);
    } finally {
      expect((await save({ panel_password: PANEL })).status).toBe(200);
      t.auth = bearer(await tokenOf(await login(PANEL)));
    }
  });

  describe('model routes', () => {
    const models = (query = '', headers: Record<string, string> = {}) =>
      fetch(`${t.url}/v1/models${query}`, { headers });

    it('answers OpenAI routes 401 without a key (WWW-Authenticate: Bearer) and 403 for a wrong one', async () => {
      const missing = await models();
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect(await missing.json()).toEqual({
        error: expect.objectContaining({ type: 'authentication_error', code: 'missing_api_key' }),
      });
      const basic = await models('', { authorization: `Basic ${btoa(`x:${API}`)}` });
      expect(basic.status).toBe(401);
      const wrong = await models('', bearer('wrong'));
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toEqual({
        error: expect.objectContaining({ message: 'Invalid API key', code: 'invalid_api_key' }),
      });
    });

    it('serves the OpenAI list for the Bearer API password, not for the panel password', async () => {
      const ok = await models('', bearer(API));
      expect(ok.status).toBe(200);
      const body = (await ok.json()) as { object: string; data: Array<{ id: string }> };
      expect(body.object).toBe('list');
      expect(body.data.map((m) => m.id)).toContain('gemini-2.5-pro-maxthinking-search');
      expect((await models('', bearer(PANEL))).status).toBe(403);
    });

    it('takes Gemini keys from ?key=, x-goog-api-key or Bearer, answering in Gemini shape', async () => {
      const byQuery = await models(`?key=${API}`);
      expect(byQuery.status).toBe(200);
      expect(((await byQuery.json()) as { models: unknown[] }).models.length).toBeGreaterThan(0);
      const byHeader = await fetch(`${t.url}/v1beta/models`, {
        headers: { 'x-goog-api-key': API },
      });
      expect(byHeader.status).toBe(200);
      const byBearer = await fetch(`${t.url}/v1beta/models/gemini-2.5-flash`, {
        headers: bearer(API),
      });
      expect(((await byBearer.json()) as { name: string }).name).toBe('models/gemini-2.5-flash');
      const wrong = await fetch(`${t.url}/v1beta/models`, { headers: { 'x-goog-api-key': 'x' } });
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toEqual({
        error: { code: 403, message: 'Invalid API key', status: 'PERMISSION_DENIED' },
      });
      const missing = await fetch(`${t.url}/v1beta/models`);
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as { error: { status: string } }).error.status).toBe(
        'UNAUTHENTICATED',
      );
    });

    it('counts wrong API keys as failed password attempts: five a minute, then 429 there and at login', async () => {
      const client = newClient();
      const guess = (key: string) =>
        fetch(`${t.url}/v1/models`, {
          headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': client },
        });
      for (let i = 0; i < 5; i++) expect((await guess(`guess-${i}`)).status).toBe(403);
      const blocked = await guess(API);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(await blocked.json()).toEqual({
        error: expect.objectContaining({ type: 'rate_limit_error', code: 'too_many_attempts' }),
      });
      expect((await login(PANEL, client)).status).toBe(429);
      expect((await models('', bearer(API))).status).toBe(200);
    });

    it('answers a large body without a key with 401, without reading it into memory', async () => {
      const body = JSON.stringify({
        model: 'x',
        messages: [{ role: 'user', content: 'a'.repeat(20 * 2 ** 20) }],
      });
      const response = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'missing_api_key',
      );
    });

    it('applies a new API password at once', async () => {
      expect((await save({ api_password: 'api-secret-2' })).status).toBe(200);
      try {
        expect((await models('', bearer(API))).status).toBe(403);
        expect((await models('', bearer('api-secret-2'))).status).toBe(200);
      } finally {
        expect((await save({ api_password: API })).status).toBe(200);
      }
    });
  });
});
