import { randomBytes } from 'node:crypto';
import { googleError, textReply } from '../support/fake-code-assist';
import { describeWithServers, serverUrl } from '../support/server-env';
import { createPostgresDatabase } from '../support/servers';
import {
  chatCompletion,
  PROCESS_CREDENTIAL,
  processModelSuite,
} from './support/process-model-gateway';

const unique = () => randomBytes(5).toString('hex');
const CALLS = 3;
const USAGE = { promptTokenCount: 11, candidatesTokenCount: 5, thoughtsTokenCount: 3 };

const backends: Array<{ name: string; env: () => Promise<Record<string, string>> }> = [
  { name: 'sqlite', env: async () => ({}) },
  {
    name: 'valkey',
    env: async () => ({ REDIS_URL: serverUrl('redis').url!, REDIS_KEY_PREFIX: `use:${unique()}:` }),
  },
  {
    name: 'postgresql',
    env: async () => ({
      POSTGRES_DSN: await createPostgresDatabase(
        serverUrl('postgres').url!,
        `gcli_use_${unique()}`,
      ),
    }),
  },
  {
    name: 'mongodb',
    env: async () => ({
      MONGODB_URI: serverUrl('mongodb').url!,
      MONGODB_DATABASE: `gcli_use_${unique()}`,
    }),
  },
];

describeWithServers(['redis', 'postgres', 'mongodb'])('usage statistics', () => {
  const suite = processModelSuite();

  const get = async (path: string, auth: Record<string, string>) => {
    const response = await fetch(`${suite.gateway.url}${path}`, { headers: auth });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  for (const backend of backends) {
    it(`counts each call exactly on ${backend.name}, totals them, and resets`, async () => {
      const gateway = (suite.gateway = await suite.fixture.start(await backend.env()));
      const auth = await gateway.login();
      const replies = Array.from({ length: CALLS }, () => textReply('ok', { usage: USAGE }));
      suite.fixture.assist.script(...replies, googleError(400, 'Bad request'));
      for (let i = 0; i < CALLS; i++) expect((await chatCompletion(gateway.url)).status).toBe(200);
      expect((await chatCompletion(gateway.url)).status).toBe(400);

      const day = new Date().toISOString().slice(0, 10);
      const totals = {
        requests: CALLS + 1,
        successes: CALLS,
        failures: { '400': 1 },
        input_tokens: 11 * CALLS,
        output_tokens: 5 * CALLS,
        thinking_tokens: 3 * CALLS,
      };
      const stats = await get(`/usage/stats?namespace=geminicli&from=${day}`, auth);
      expect(stats.status).toBe(200);
      expect(stats.body).toEqual({
        items: [
          {
            day,
            namespace: 'geminicli',
            credential: PROCESS_CREDENTIAL.name,
            model: 'gemini-2.5-flash',
            ...totals,
          },
        ],
        total: 1,
        offset: 0,
        limit: 100,
      });
      const byModel = await get('/usage/aggregated?by=model', auth);
      expect(byModel.body).toEqual({
        by: 'model',
        totals,
        groups: [{ key: 'gemini-2.5-flash', ...totals }],
      });

      const reset = await fetch(`${gateway.url}/usage/reset`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ credential: PROCESS_CREDENTIAL.name }),
      });
      expect(reset.status).toBe(200);
      expect((await get('/usage/stats', auth)).body).toMatchObject({ items: [], total: 0 });
    }, 60_000);
  }

  it('refuses a bad filter with 400 naming it, and needs a panel session', async () => {
    const gateway = (suite.gateway = await suite.fixture.start());
    const auth = await gateway.login();
    const bad = await get('/usage/stats?from=2026-13-01', auth);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/from: must be a day as YYYY-MM-DD/);
    expect((await get('/usage/aggregated?by=week', auth)).status).toBe(400);
    expect((await fetch(`${gateway.url}/usage/stats`)).status).toBe(401);
  }, 60_000);
});
