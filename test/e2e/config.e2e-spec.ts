import { SettingsService } from '../../src/config/settings.service';
import { SETTING_KEYS } from '../../src/config/settings.registry';
import { createTestApp, type TestApp } from '../support/test-app';

type View = {
  config: Record<string, unknown>;
  env_locked: string[];
  restart_required: string[];
  default_password_in_use: boolean;
};
type SaveError = { message: string; errors: Array<{ key: string; reason: string }> };

describe('persisted settings: /config/get and /config/save', () => {
  let t: TestApp;

  const view = async () => {
    const response = await fetch(`${t.url}/config/get`, { headers: t.auth });
    expect(response.status).toBe(200);
    return (await response.json()) as View;
  };
  const save = (config: Record<string, unknown>) =>
    fetch(`${t.url}/config/save`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ config }),
    });
  const refused = async (config: Record<string, unknown>) => {
    const before = await t.storage.getAllConfig();
    const response = await save(config);
    expect(response.status).toBe(400);
    expect(await t.storage.getAllConfig()).toEqual(before);
    return (await response.json()) as SaveError;
  };
  const settings = () => t.app.get(SettingsService);

  beforeAll(async () => {
    t = await createTestApp({
      RETRY_429_MAX_RETRIES: '7',
      CODE_ASSIST_ENDPOINT: 'https://code-assist.example/',
      AUTO_BAN: '',
    });
  });
  afterAll(() => t.close());

  it('lists every setting with its effective value, secrets masked, and which are locked', async () => {
    const body = await view();
    // Every setting, and the env-only credentials_dir (shown read-only).
    expect(Object.keys(body.config).sort()).toEqual([...SETTING_KEYS, 'credentials_dir'].sort());
    expect(body.config).toMatchObject({
      password: '********',
      api_password: '',
      panel_password: '',
      retry_429_max_retries: 7,
      code_assist_endpoint: 'https://code-assist.example',
      auto_ban_enabled: false,
      auto_ban_error_codes: [403],
      compatibility_mode_enabled: true,
      oauth_callback_port: 11451,
    });
    expect(body.env_locked).toEqual(
      expect.arrayContaining(['retry_429_max_retries', 'code_assist_endpoint']),
    );
    // An empty variable is unset: it neither locks nor overrides.
    expect(body.env_locked).not.toContain('auto_ban_enabled');
    expect(body.restart_required).toEqual(['host', 'port']);
    expect(body.default_password_in_use).toBe(true);
  });

  it('resolves a non-empty environment variable, then the stored value, then the default', async () => {
    await t.storage.updateConfig({ retry_429_max_retries: 2, anti_truncation_max_attempts: 9 });
    await settings().reload();
    expect((await view()).config).toMatchObject({
      retry_429_max_retries: 7,
      anti_truncation_max_attempts: 9,
    });
    await t.storage.updateConfig({}, ['retry_429_max_retries', 'anti_truncation_max_attempts']);
    await settings().reload();
    expect((await view()).config.anti_truncation_max_attempts).toBe(3);
  });

  it('saves valid settings, normalised, and applies them in this process at once', async () => {
    const response = await save({
      retry_429_interval: 0.5,
      auto_ban_error_codes: '403, 429',
      oauth_proxy_url: 'http://127.0.0.1:9/oauth/',
      proxy: ' "socks5://127.0.0.1:1080" ',
      compatibility_mode_enabled: false,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { saved_config: Record<string, unknown> };
    expect(body.saved_config).toEqual({
      retry_429_interval: 0.5,
      auto_ban_error_codes: [403, 429],
      oauth_proxy_url: 'http://127.0.0.1:9/oauth',
      proxy: 'socks5://127.0.0.1:1080',
      compatibility_mode_enabled: false,
    });
    expect(settings().get('auto_ban_error_codes')).toEqual([403, 429]);
    expect(settings().get('oauth_proxy_url')).toBe('http://127.0.0.1:9/oauth');
    expect(await t.storage.getConfig('proxy')).toBe('socks5://127.0.0.1:1080');
    expect((await view()).config.compatibility_mode_enabled).toBe(false);
  });

  it('resets a setting to its default with null', async () => {
    expect((await save({ compatibility_mode_enabled: null, proxy: null })).status).toBe(200);
    expect(await t.storage.getConfig('compatibility_mode_enabled')).toBeUndefined();
    expect((await view()).config).toMatchObject({ compatibility_mode_enabled: true, proxy: '' });
  });

  it('refuses unknown keys and out-of-range values, naming each, and saves nothing', async () => {
    const body = await refused({
      retry_429_interval: 2,
      no_such_setting: 1,
      anti_truncation_max_attempts: 11,
      port: 70_000,
      calls_per_rotation: 'ten',
      auto_ban_error_codes: [403, 99],
    });
    expect(body.errors).toEqual([
      { key: 'no_such_setting', reason: 'is not a known setting' },
      { key: 'anti_truncation_max_attempts', reason: 'must be at most 10' },
      { key: 'port', reason: 'must be at most 65535' },
      { key: 'calls_per_rotation', reason: 'must be a whole number' },
      { key: 'auto_ban_error_codes', reason: 'must be at least 100' },
    ]);
    expect(body.message).toMatch(/^Settings not saved: no_such_setting is not a known setting; /);
    expect(settings().get('retry_429_interval')).toBe(0.5);
  });

  it('accepts only http(s) endpoint URLs and http(s)/socks5 proxies', async () => {
    const endpoints = await refused({
      oauth_proxy_url: '',
      googleapis_proxy_url: 'ftp://files.example',
      antigravity_api_url: 'not a url',
      proxy: 'socks4://127.0.0.1:1080',
    });
    expect(endpoints.errors.map((e) => e.key)).toEqual([
      'oauth_proxy_url',
      'googleapis_proxy_url',
      'antigravity_api_url',
      'proxy',
    ]);
    expect(endpoints.errors[0].reason).toBe('must be an http:// or https:// URL');
    const bases = await refused({
      antigravity_api_url: 'https://user:secret@antigravity.example',
      oauth_proxy_url: 'https://oauth.example/?x=1',
    });
    expect(bases.errors.map((e) => e.reason)).toEqual([
      'must be a base URL without user, password, query or fragment',
      'must be a base URL without user, password, query or fragment',
    ]);
    expect(JSON.stringify(bases)).not.toContain('secret');
    expect(endpoints.errors[3].reason).toMatch(/socks5/);
    expect((await save({ proxy: 'https://proxy.example:8443' })).status).toBe(200);
    expect((await save({ proxy: '' })).status).toBe(200);
    expect(settings().get('proxy')).toBe('');
  });

  it('refuses to change a setting given by the environment, but accepts it sent back unchanged', async () => {
    const body = await refused({ retry_429_max_retries: 3 });
    expect(body.errors).toEqual([
      {
        key: 'retry_429_max_retries',
        reason:
          'is set by the environment variable RETRY_429_MAX_RETRIES and cannot be changed here',
      },
    ]);
    const current = await view();
    const resent = await save(current.config);
    expect(resent.status).toBe(200);
    expect(((await resent.json()) as { message: string }).message).toBe('Nothing to change');
  });

  it('masks a password in a proxy URL and keeps it when the masked form is sent back', async () => {
    expect((await save({ proxy: 'http://user:proxy-pass@127.0.0.1:3128' })).status).toBe(200);
    const shown = (await view()).config.proxy;
    expect(shown).toBe('http://user:***@127.0.0.1:3128/');
    expect(JSON.stringify(await view())).not.toContain('proxy-pass');
    expect((await save({ proxy: shown })).status).toBe(200);
    expect(settings().get('proxy')).toBe('http://user:proxy-pass@127.0.0.1:3128');
    expect((await save({ proxy: null })).status).toBe(200);
  });

  it('stores passwords but never shows them; the mask or an empty value leaves them unchanged', async () => {
    const response = await save({ password: 'shared-secret', api_password: 'api-only' });
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/shared-secret|api-only/);
    // The panel password follows `password`: the change ended the session; log in again.
    expect((await fetch(`${t.url}/config/get`, { headers: t.auth })).status).toBe(401);
    const login = await fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'shared-secret' }),
    });
    expect(login.status).toBe(200);
    t.auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    const body = await view();
    expect(body.config).toMatchObject({
      password: '********',
      api_password: '********',
      panel_password: '',
    });
    expect(JSON.stringify(body)).not.toMatch(/shared-secret|api-only/);
    expect(body.default_password_in_use).toBe(false);
    expect((await save({ password: '********', api_password: '' })).status).toBe(200);
    expect(settings().apiPassword().value).toBe('api-only');
    expect(settings().panelPassword().value).toBe('shared-secret');
  });

  it('answers 400 for a body that is not {config: {...}}', async () => {
    const response = await fetch(`${t.url}/config/save`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ retry_429_interval: 1 }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/config/);
  });
});
