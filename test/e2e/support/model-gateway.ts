import {
  ANTIGRAVITY_BASE,
  type FakeAntigravity,
  installAntigravity,
} from '../../support/fake-antigravity';
import { type FakeCodeAssist, installCodeAssist } from '../../support/fake-code-assist';
import { type FakeGoogle, startFakeGoogle } from '../../support/fake-google';
import type { Namespace } from '../../../src/storage/storage-backend.interface';
import { createTestApp, type TestApp } from '../../support/test-app';

/** The API password of the model gateways of the tests. */
export const API_KEY = 'sk-test-api-key';

/** A gateway with Gemini CLI credentials whose upstream is a fake Code Assist. */
export interface ModelGateway {
  app: TestApp;
  google: FakeGoogle;
  assist: FakeCodeAssist;
  /** The fake antigravity upstream (ANTIGRAVITY_API_URL points at it). */
  antigravity: FakeAntigravity;
  /** The credentials' names, tokens and projects: `cred-<i>.json`, `token-<i>`, `project-<i>`. */
  credentials: Array<{ name: string; token: string; project: string }>;
  /** Antigravity credentials: `ag_cred-<i>.json`, `ag-token-<i>`, `ag-project-<i>`. */
  agCredentials: Array<{ name: string; token: string; project: string }>;
  /** Saves settings through `/config/save`; fails the test when refused. */
  configure(config: Record<string, unknown>): Promise<void>;
  /** Ends every credential's cooldown for a model key, and waits for rotation to see it. */
  clearCooldowns(ns: Namespace, modelKey: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the gateway in this process with `count` valid credentials (tokens good for an hour,
 * so no refresh happens unless a test wants one) and a fake Google for Code Assist and OAuth.
 * Retries wait no time, so retry tests stay fast.
 */
export async function startModelGateway(
  count = 3,
  env: Record<string, string> = {},
  options: { antigravity?: number } = {},
) {
  const google = await startFakeGoogle();
  const assist = installCodeAssist(google);
  const antigravity = installAntigravity(google);
  const app = await createTestApp({
    CODE_ASSIST_ENDPOINT: google.url,
    ANTIGRAVITY_API_URL: `${google.url}${ANTIGRAVITY_BASE}`,
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
  const agCredentials = Array.from({ length: options.antigravity ?? 0 }, (_, i) => ({
    name: `ag_cred-${i}.json`,
    token: `ag-token-${i}`,
    project: `ag-project-${i}`,
  }));
  const seeded = [
    ...credentials.map((c) => ['geminicli', c] as const),
    ...agCredentials.map((c) => ['antigravity', c] as const),
  ];
  for (const [ns, c] of seeded) {
    await app.storage.upsertCredential(ns, c.name, {
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
  const clearCooldowns = async (ns: Namespace, modelKey: string) => {
    const names = (ns === 'antigravity' ? agCredentials : credentials).map((c) => c.name);
    for (const name of names) await app.storage.setModelCooldown(ns, name, modelKey, null);
    // The rotation index follows storage within a second.
    await new Promise((resolve) => setTimeout(resolve, 1200));
  };
  await configure({ retry_429_interval: 0 });
  return {
    app,
    google,
    assist,
    antigravity,
    credentials,
    agCredentials,
    configure,
    clearCooldowns,
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
