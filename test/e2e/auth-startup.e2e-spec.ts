import { join } from 'node:path';
import { SqliteBackend } from '../../src/storage/backends/sqlite.backend';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { freePort } from '../support/servers';
import { tempDir } from '../support/temp-dir';
import { E2E_PANEL_PASSWORD, startGateway } from './support/gateway-process';

const json = { 'content-type': 'application/json' };
const login = (url: string, password: string) =>
  fetch(`${url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ password }) });

describe('the built gateway: passwords at start-up, degraded storage and logs', () => {
  it('warns at start-up while the default password pwd is in use, and it still works', async () => {
    const { gateway } = await startGateway({ PASSWORD: '' });
    try {
      expect(gateway!.output()).toMatch(
        /\[WARN\] \[Auth\] The API password is the default 'pwd'[^\n]*\n[^\n]*\[WARN\] \[Auth\] The panel password is the default 'pwd'/,
      );
      expect((await login(gateway!.url, 'pwd')).status).toBe(200);
      const models = await fetch(`${gateway!.url}/v1/models`, {
        headers: { authorization: 'Bearer pwd' },
      });
      expect(models.status).toBe(200);
    } finally {
      await gateway!.stop();
    }
  }, 60_000);

  it('refuses the default password while storage is degraded, and says why', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const { gateway } = await startGateway({ REDIS_URL: deadRedis, PASSWORD: '' });
    try {
      const panel = await login(gateway!.url, 'pwd');
      expect(panel.status).toBe(503);
      const { message } = (await panel.json()) as { message: string };
      expect(message).toMatch(
        /default 'pwd' while storage is degraded \(valkey could not be reached; using sqlite\)/,
      );
      expect(message).toMatch(/PANEL_PASSWORD or PASSWORD/);
      const api = await fetch(`${gateway!.url}/v1/models`, {
        headers: { authorization: 'Bearer pwd' },
      });
      expect(api.status).toBe(503);
      expect(((await api.json()) as { error: { message: string } }).error.message).toMatch(
        /API_PASSWORD or PASSWORD/,
      );
      // A wrong password is still just wrong.
      expect((await login(gateway!.url, 'guess')).status).toBe(401);
      expect(gateway!.output()).toMatch(
        /\[WARN\] \[Auth\] The panel password is the default 'pwd' while storage is degraded/,
      );
    } finally {
      await gateway!.stop();
    }
  }, 60_000);

  it('accepts a password from the environment while storage is degraded', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const { gateway } = await startGateway({ REDIS_URL: deadRedis, PASSWORD: 'env-secret' });
    try {
      expect((await login(gateway!.url, 'env-secret')).status).toBe(200);
      const api = await fetch(`${gateway!.url}/v1/models`, {
        headers: { authorization: 'Bearer env-secret' },
      });
      expect(api.status).toBe(200);
    } finally {
      await gateway!.stop();
    }
  }, 60_000);

  it('refuses to start on an invalid setting variable, naming it without echoing the value', async () => {
    const result = await startGateway({
      RETRY_429_MAX_RETRIES: 'lots',
      CODE_ASSIST_ENDPOINT: 'ftp://hidden-host.example',
      PROXY: 'gopher://proxy-secret@x',
    });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('RETRY_429_MAX_RETRIES: must be a whole number');
    expect(result.output).toContain('CODE_ASSIST_ENDPOINT: must be an http:// or https:// URL');
    expect(result.output).toContain('PROXY: must be an http://, https:// or socks5:// URL');
    expect(result.output).not.toMatch(/lots|hidden-host|proxy-secret/);
  }, 60_000);

  it('listens on the host and port stored in its storage when the environment names none', async () => {
    const dir = tempDir('gcli-port-');
    try {
      const port = await freePort();
      const storage = new ValidatedStorage(
        new SqliteBackend({ file: join(dir.path, 'credentials.db') }),
      );
      await storage.connect();
      await storage.updateConfig({ host: '127.0.0.1', port });
      await storage.close();
      const { gateway } = await startGateway({ CREDENTIALS_DIR: dir.path, HOST: '', PORT: '' });
      try {
        expect(gateway!.output()).toContain(`listening on http://127.0.0.1:${port}`);
        expect((await login(`http://127.0.0.1:${port}`, E2E_PANEL_PASSWORD)).status).toBe(200);
      } finally {
        await gateway!.stop();
      }
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('never writes passwords, keys, tokens or proxy passwords to the log', async () => {
    const secrets = {
      panel: 'log-panel-secret',
      wrongGuess: 'log-wrong-guess',
      api: 'log-api-secret',
      wrongKey: 'log-wrong-key',
      proxyPass: 'log-proxy-pass',
      refresh: 'log-refresh-token',
      clientSecret: 'log-client-secret',
    };
    const { gateway } = await startGateway({ LOG_LEVEL: 'debug', PANEL_PASSWORD: secrets.panel });
    const url = gateway!.url;
    try {
      expect((await login(url, secrets.wrongGuess)).status).toBe(401);
      const auth = await gateway!.login();
      const post = (path: string, body: unknown) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { ...auth, ...json },
          body: JSON.stringify(body),
        });
      const config = {
        api_password: secrets.api,
        proxy: `http://user:${secrets.proxyPass}@127.0.0.1:3128`,
      };
      expect((await post('/config/save', { config })).status).toBe(200);
      expect(
        (await post('/config/save', { config: { port: 'x', api_password: 'x\u0001' } })).status,
      ).toBe(400);
      const credential = {
        client_id: 'id',
        client_secret: secrets.clientSecret,
        refresh_token: secrets.refresh,
        token: 'access',
        project_id: 'p',
      };
      expect(
        (await post('/creds/import-text', { content: JSON.stringify(credential) })).status,
      ).toBe(200);
      for (const key of [secrets.api, secrets.wrongKey]) {
        await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
        await fetch(`${url}/v1beta/models?key=${key}`);
      }
      const responses = await Promise.all(
        ['/config/get', '/api/auth/storage-info', '/creds/status'].map(async (path) =>
          (await fetch(`${url}${path}`, { headers: auth })).text(),
        ),
      );
      for (const text of responses) {
        expect(text).not.toMatch(
          /log-(panel-secret|api-secret|proxy-pass|refresh-token|client-secret)/,
        );
      }
    } finally {
      await gateway!.stop();
    }
    const output = gateway!.output();
    expect(output).toContain('Failed panel login');
    for (const secret of Object.values(secrets)) expect(output).not.toContain(secret);
  }, 60_000);
});
