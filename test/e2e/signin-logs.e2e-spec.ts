import { GEMINI_CLI_CLIENT } from '../../src/credentials/discovery/oauth-clients';
import { type FakeGoogle, startFakeGoogle, tokenError } from '../support/fake-google';
import { type FakeAccounts, installFakeAccounts } from '../support/fake-google-accounts';
import { freePort, startRunningGateway, type GatewayProcess } from './support/gateway-process';
import { consent, fakeGoogleEnv, getJson, postJson } from './support/signin-browser';

describe('the built gateway never logs a sign-in secret', () => {
  let google: FakeGoogle;
  let accounts: FakeAccounts;
  let gateway: GatewayProcess;
  let auth: Record<string, string>;

  beforeAll(async () => {
    google = await startFakeGoogle();
    accounts = installFakeAccounts(google);
    gateway = await startRunningGateway({
      ...fakeGoogleEnv(google),
      HOST: '127.0.0.1',
      OAUTH_CALLBACK_PORT: String(await freePort()),
      LOG_LEVEL: 'debug',
    });
    auth = await gateway.login();
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await google?.close();
  });

  it('keeps codes, tokens, verifiers and client secrets out of its output', async () => {
    accounts.add({ email: 'quiet@example.com', refreshToken: '1//quiet-refresh', project: 'q' });
    // A sign-in through the listener, one through paste mode, and a failed one.
    const first = (await postJson(gateway.url, '/auth/start', auth, {})).body;
    expect((await fetch(await consent(google, first.auth_url))).status).toBe(200);
    const second = (await postJson(gateway.url, '/auth/start', auth, {})).body;
    const pasted = await consent(google, second.auth_url);
    expect(
      (await postJson(gateway.url, '/auth/callback-url', auth, { callback_url: pasted })).status,
    ).toBe(200);
    const forged = new URL(
      await consent(google, (await postJson(gateway.url, '/auth/start', auth, {})).body.auth_url),
    );
    forged.searchParams.set('code', '4/forged-code-secret');
    expect(
      (await postJson(gateway.url, '/auth/callback-url', auth, { callback_url: forged.toString() }))
        .status,
    ).toBe(400);
    // An upload without a project (discovered with a refresh), and a refresh Google refuses.
    google.scriptToken('1//dead-refresh', tokenError(400, 'invalid_grant'));
    const form = new FormData();
    form.append(
      'files',
      new Blob([
        JSON.stringify({ refresh_token: '1//quiet-refresh', access_token: 'ya29.old-token' }),
      ]),
      'cli.json',
    );
    form.append(
      'files',
      new Blob([JSON.stringify({ refresh_token: '1//dead-refresh', project_id: 'd' })]),
      'dead.json',
    );
    expect(
      (await fetch(`${gateway.url}/auth/upload`, { method: 'POST', headers: auth, body: form }))
        .status,
    ).toBe(200);
    await postJson(gateway.url, '/creds/fetch-email/dead.json', auth, {});
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !/Imported credential cli\.json/.test(gateway.output())) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const output = gateway.output();
    expect(output).toMatch(/Sign-in completed/);
    expect(output).toMatch(/Sign-in failed at exchange/);
    expect(output).toMatch(/Imported credential cli\.json/);
    const secrets = [
      ...accounts.codes,
      '4/forged-code-secret',
      '1//quiet-refresh',
      '1//dead-refresh',
      'ya29.old-token',
      GEMINI_CLI_CLIENT.clientSecret,
      ...google.requests.flatMap((r) => [r.form.code_verifier, r.form.access_token]),
      ...google.requests.map(
        (r) => /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ''))?.[1],
      ),
    ].filter((s): s is string => typeof s === 'string' && s.length > 0);
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) expect(output).not.toContain(secret);
    const status = (await getJson(gateway.url, '/creds/status', auth)).body;
    expect(JSON.stringify(status)).not.toMatch(/quiet-refresh|GOCSPX/);
  }, 60_000);
});
