import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeCodeAssist, installCodeAssist } from '../../support/fake-code-assist';
import { type FakeGoogle, startFakeGoogle } from '../../support/fake-google';
import { tempDir } from '../../support/temp-dir';
import { type GatewayProcess, startRunningGateway } from './gateway-process';

/** The API password of the gateway processes started here. */
export const PROCESS_API_KEY = 'sk-process-test-key';

/** The one credential file placed in CREDENTIALS_DIR, imported at start-up. */
export const PROCESS_CREDENTIAL = {
  name: 'cred-0.json',
  data: {
    client_id: 'client-id',
    client_secret: 'client-secret-value',
    refresh_token: 'refresh-token-value',
    token: 'access-token-value',
    project_id: 'project-0',
  },
};

/**
 * A fake Google and a directory with one Gemini CLI credential, for gateway processes (`dist/
 * main.js`) that make model calls: `start(env)` starts one against them.
 */
export async function processModelFixture() {
  const google: FakeGoogle = await startFakeGoogle();
  const assist: FakeCodeAssist = installCodeAssist(google);
  const creds = tempDir('gcli-process-');
  const expiry = new Date(Date.now() + 3600_000).toISOString();
  writeFileSync(
    join(creds.path, PROCESS_CREDENTIAL.name),
    JSON.stringify({ ...PROCESS_CREDENTIAL.data, expiry }),
  );
  return {
    google,
    assist,
    /** The CREDENTIALS_DIR given to the gateways (their SQLite file is there); kept after them. */
    credentialsDir: creds.path,
    start: (env: Record<string, string> = {}): Promise<GatewayProcess> =>
      startRunningGateway({
        CREDENTIALS_DIR: creds.path,
        CODE_ASSIST_ENDPOINT: google.url,
        OAUTH_PROXY_URL: google.url,
        API_PASSWORD: PROCESS_API_KEY,
        ...env,
      }),
    close: async () => {
      await google.close();
      creds.remove();
    },
  };
}

/** POSTs an OpenAI chat completion for `gemini-2.5-flash` to a gateway process. */
export function chatCompletion(
  url: string,
  options: { stream?: boolean; headers?: Record<string, string> } = {},
) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${PROCESS_API_KEY}`,
      'content-type': 'application/json',
      ...options.headers,
    },
    body: JSON.stringify({
      model: 'gemini-2.5-flash',
      stream: options.stream ?? false,
      messages: [{ role: 'user', content: 'count' }],
    }),
  });
}

/**
 * Sets up a {@link processModelFixture} for the enclosing `describe`: started before its tests,
 * closed after them; the gateway a test puts in `gateway` is stopped after that test.
 */
export function processModelSuite() {
  const suite: {
    fixture?: Awaited<ReturnType<typeof processModelFixture>>;
    gateway?: GatewayProcess;
  } = {};
  beforeAll(async () => (suite.fixture = await processModelFixture()), 60_000);
  afterEach(async () => {
    await suite.gateway?.stop();
    suite.gateway = undefined;
    suite.fixture?.assist.reset();
  });
  afterAll(() => suite.fixture?.close());
  return suite as Required<typeof suite>;
}
