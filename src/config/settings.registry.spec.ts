import { readFileSync } from 'node:fs';
import { envSchema } from '../env/env.schema';
import { parseSetting, settingEnvProblems, settingFromEnv } from './settings-env';
import { SETTING_KEYS, SETTINGS } from './settings.registry';

describe('the settings registry', () => {
  it.each(SETTING_KEYS)('gives %s a default its own schema accepts unchanged', (key) => {
    const definition = SETTINGS[key];
    expect(parseSetting(definition, definition.default)).toEqual({
      ok: true,
      value: definition.default,
    });
  });

  it('documents every environment variable in .env.example', () => {
    const example = readFileSync('.env.example', 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const variables = [
      ...Object.keys(envSchema.shape),
      ...SETTING_KEYS.map((key) => SETTINGS[key].env),
    ];
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !variables.includes(name))).toEqual([]);
  });

  it('reads environment values the way users write them', () => {
    const env = {
      AUTO_BAN: 'YES',
      AUTO_BAN_ERROR_CODES: '403, 429',
      AG_AUTO_BAN_ERROR_CODES: '[500]',
      RETRY_429_INTERVAL: '0.25',
      HOST: '[::1]',
      OAUTH_PROXY_URL: 'https://oauth.example/',
    };
    const read = (key: (typeof SETTING_KEYS)[number]) => settingFromEnv(SETTINGS[key], env);
    expect(read('auto_ban_enabled')).toEqual({ ok: true, value: true });
    expect(read('auto_ban_error_codes')).toEqual({ ok: true, value: [403, 429] });
    expect(read('ag_auto_ban_error_codes')).toEqual({ ok: true, value: [500] });
    expect(read('retry_429_interval')).toEqual({ ok: true, value: 0.25 });
    expect(read('host')).toEqual({ ok: true, value: '::1' });
    expect(read('oauth_proxy_url')).toEqual({ ok: true, value: 'https://oauth.example' });
    expect(read('proxy')).toBeUndefined();
  });

  it('names each invalid variable and its rule, never its value', () => {
    const problems = settingEnvProblems({
      PORT: '0',
      HOST: 'http://bad host',
      AUTO_BAN_ERROR_CODES: '[1',
      PASSWORD: 'tab\there',
      PROXY: '',
    });
    expect(problems).toEqual([
      'HOST: must be an IP address or a host name such as localhost',
      'PORT: must be at least 1',
      'PASSWORD: must not contain control characters',
      'AUTO_BAN_ERROR_CODES: must be a list of HTTP status codes',
    ]);
  });
});
