import { jest } from '@jest/globals';
import OpenAI from 'openai';
import { SETTING_KEYS, SETTINGS, type SettingKey } from '../../src/config/settings.registry';
import { serverError, textReply } from '../support/fake-code-assist';
import { panelLogin } from '../support/panel-login';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

// A retry pause at retry_429_interval's maximum lasts 10 s on its own.
jest.setTimeout(60_000);

/** The bounds of a numeric setting, read from its schema so a new setting is tested too. */
function numericBounds(key: SettingKey) {
  const schema = SETTINGS[key].schema as {
    minValue?: unknown;
    maxValue?: unknown;
    format?: unknown;
  };
  if (typeof schema.minValue !== 'number' || typeof schema.maxValue !== 'number') return undefined;
  const whole = schema.format === 'safeint';
  return { min: schema.minValue, max: schema.maxValue, whole };
}

const NUMERIC = SETTING_KEYS.filter((key) => numericBounds(key));
/** Fractions with more digits than a millisecond or a binary double holds, as users type them. */
const FRACTIONS = [16.1, 1.005, 0.05, 0.3];
/** Timeouts this short may really expire, even against a local upstream. */
const TIMEOUTS = [
  'upstream_connect_timeout',
  'upstream_first_byte_timeout',
  'upstream_idle_timeout',
];

describe('every numeric setting, saved at its bounds and at fractions, keeps model calls working', () => {
  let g: ModelGateway;
  let client: OpenAI;

  beforeAll(async () => {
    g = await startModelGateway(3);
    client = new OpenAI({ apiKey: API_KEY, baseURL: `${g.app.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => g?.close());
  beforeEach(() => g.assist.reset());

  const save = async (config: Record<string, unknown>) => {
    const response = await fetch(`${g.app.url}/config/save`, {
      method: 'POST',
      headers: { ...g.app.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ config }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  const call = async () => {
    try {
      const completion = await client.chat.completions.create({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: 'ping' }],
      });
      return { status: 200, message: completion.choices[0].message.content ?? '' };
    } catch (err) {
      const error = err as { status?: number; message?: string };
      return { status: error.status ?? 0, message: String(error.message) };
    }
  };

  it('covers every numeric setting of the registry', () => {
    expect(NUMERIC).toEqual(
      expect.arrayContaining([
        'port',
        'panel_session_ttl',
        ...TIMEOUTS,
        'retry_429_max_retries',
        'retry_429_interval',
        'anti_truncation_max_attempts',
        'oauth_callback_port',
        'calls_per_rotation',
      ]),
    );
  });

  it.each(NUMERIC)('%s', async (key) => {
    const { min, max, whole } = numericBounds(key)!;
    const fractions = FRACTIONS.filter((value) => value > min && value < max);
    if (whole) fractions.push(min + 0.5);
    for (const value of [min, max, ...fractions]) {
      const saved = await save({ [key]: value });
      if (whole && !Number.isInteger(value)) {
        // A count or a port has no meaning between two whole numbers: refused, naming the key.
        expect(saved.status).toBe(400);
        expect(saved.body.message).toBe(`Settings not saved: ${key} must be a whole number`);
        continue;
      }
      expect(saved.status).toBe(200);
      // retry_429_interval is only waited for when a call is retried: make one be.
      if (key === 'retry_429_interval') g.assist.script(serverError(), textReply('pong'));
      else g.assist.script(textReply('pong'));
      const answer = await call();
      const context = `${key} = ${value}: ${answer.status} ${answer.message}`;
      expect(answer.message).not.toMatch(/INVALID_ARG/);
      if (TIMEOUTS.includes(key) && value === min && answer.status !== 200) {
        expect(context).toMatch(/504 Upstream timed out/);
      } else {
        expect(context).toBe(`${key} = ${value}: 200 pong`);
      }
      if (key === 'panel_session_ttl') {
        const auth = await panelLogin(g.app.url, g.app.panelPassword);
        const config = await fetch(`${g.app.url}/config/get`, { headers: auth });
        expect(`${key} = ${value}: ${config.status}`).toBe(`${key} = ${value}: 200`);
      }
    }
    expect((await save({ [key]: null })).status).toBe(200);
  });

  it('refuses fractional and out-of-range status codes in the auto-ban lists, naming the key', async () => {
    for (const key of ['auto_ban_error_codes', 'ag_auto_ban_error_codes']) {
      expect((await save({ [key]: [100, 599] })).status).toBe(200);
      g.assist.script(textReply('pong'));
      expect(await call()).toEqual({ status: 200, message: 'pong' });
      for (const bad of [[403.5], [99], [600]]) {
        const saved = await save({ [key]: bad });
        expect(saved.status).toBe(400);
        expect(saved.body.message).toMatch(new RegExp(`^Settings not saved: ${key} `));
      }
      expect((await save({ [key]: null })).status).toBe(200);
    }
  });
});
