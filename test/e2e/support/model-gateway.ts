import { type FakeCodeAssist, installCodeAssist } from '../../support/fake-code-assist';
import { type FakeGoogle, startFakeGoogle } from '../../support/fake-google';
import { createTestApp, type TestApp } from '../../support/test-app';

/** The API password of the model gateways of the tests. */
export const API_KEY = 'sk-test-api-key';

/** A gateway with Gemini CLI credentials whose upstream is a fake Code Assist. */
export interface ModelGateway {
  app: TestApp;
  google: FakeGoogle;
  assist: FakeCodeAssist;
  /** The credentials' names, tokens and projects: `cred-<i>.json`, `token-<i>`, `project-<i>`. */
  credentials: Array<{ name: string; token: string; project: string }>;
  /** Saves settings through `/config/save`; fails the test when refused. */
  configure(config: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the gateway in this process with `count` valid credentials (tokens good for an hour,
 * so no refresh happens unless a test wants one) and a fake Google for Code Assist and OAuth.
 * Retries wait no time, so retry tests stay fast.
 */
export async function startModelGateway(count = 3, env: Record<string, string> = {}) {
  const google = await startFakeGoogle();
  const assist = installCodeAssist(google);
  const app = await createTestApp({
    CODE_ASSIST_ENDPOINT: google.url,
    OAUTH_PROXY_URL: google.url,
    API_PASSWORD: API_KEY,
    ...env,
  });
  const expiry = new Date(Date.now() + 3600_000).toISOString();
  const credentials = Array.from({ length: count }, (_, i) => ({
    name: `cred-${i}.json`,
    token: `token-${i}`,
    project: `project-${i}`,
  }));
  for (const c of credentials) {
    await app.storage.upsertCredential('geminicli', c.name, {
      client_id: 'client-id',
      client_secret: 'client-secret',
      refresh_token: `refresh-${c.token}`,
      token: c.token,
      expiry,
      project_id: c.project,
    });
  }
  const configure = async (config: Record<string, unknown>) => {
    const response = await fetch(`${app.url}/config/save`, {
      method: 'POST',
      headers: { ...app.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ config }),
    });
    if (response.status !== 200) throw new Error(`config/save: ${await response.text()}`);
  };
  await configure({ retry_429_interval: 0 });
  return {
    app,
    google,
    assist,
    credentials,
    configure,
    close: async () => {
      await app.close();
      await google.close();
    },
  } satisfies ModelGateway;
}

/** One non-streaming OpenAI chat completion sent with the API key; the raw response. */
export function postChat(url: string, model = 'gemini-2.5-pro'): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}
