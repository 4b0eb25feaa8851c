import { jest } from '@jest/globals';
import { Clock } from '../../src/common/clock';
import {
  ANTIGRAVITY_CLIENT,
  GEMINI_CLI_CLIENT,
} from '../../src/credentials/discovery/oauth-clients';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google';
import { type FakeAccounts, installFakeAccounts } from '../support/fake-google-accounts';
import { createTestApp, type TestApp } from '../support/test-app';
import { freePort } from './support/gateway-process';
import { consent, fakeGoogleEnv, getJson, postJson } from './support/signin-browser';

describe('Google sign-in adds a credential', () => {
  let google: FakeGoogle;
  let accounts: FakeAccounts;
  let t: TestApp;

  beforeAll(async () => {
    google = await startFakeGoogle();
    accounts = installFakeAccounts(google);
    t = await createTestApp({
      ...fakeGoogleEnv(google),
      HOST: '127.0.0.1',
      OAUTH_CALLBACK_PORT: String(await freePort()),
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await google?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const start = (body: Record<string, unknown> = {}) =>
    postJson(t.url, '/auth/start', t.auth, body);
  const paste = (callbackUrl: string, extra: Record<string, unknown> = {}) =>
    postJson(t.url, '/auth/callback-url', t.auth, { callback_url: callbackUrl, ...extra });
  const names = async (ns = 'geminicli') => t.storage.listCredentialNames(ns as 'geminicli');

  it('signs in through the callback listener and stores the credential with its e-mail and project', async () => {
    accounts.add({ email: 'alice@example.com', codeAssist: 'current', project: 'alice-proj' });
    const started = await start();
    expect(started.status).toBe(200);
    const { auth_url, state, expires_in } = started.body;
    expect(expires_in).toBe(600);
    const url = new URL(auth_url);
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/auth');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: GEMINI_CLI_CLIENT.clientId,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
      state,
    });
    expect(url.searchParams.get('scope')).toContain(
      'https://www.googleapis.com/auth/cloud-platform',
    );
    expect(state).not.toContain(t.panelPassword);
    expect((await getJson(t.url, `/auth/status/${state}`, t.auth)).body.status).toBe('pending');

    const page = await fetch(await consent(google, auth_url));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You can close this window');

    const status = (await getJson(t.url, `/auth/status/${state}`, t.auth)).body;
    expect(status).toMatchObject({
      status: 'completed',
      user_email: 'alice@example.com',
      project_id: 'alice-proj',
      auto_detected_project: true,
    });
    const stored = await t.storage.getCredential('geminicli', status.filename);
    expect(stored).toMatchObject({
      client_id: GEMINI_CLI_CLIENT.clientId,
      refresh_token: 'refresh-alice@example.com',
      project_id: 'alice-proj',
      token_uri: 'https://oauth2.googleapis.com/token',
    });
    expect(status.filename).toMatch(/^alice-proj-\d+\.json$/);
    const listing = (await getJson(t.url, '/creds/status', t.auth)).body;
    expect(listing.items).toContainEqual(
      expect.objectContaining({
        filename: status.filename,
        user_email: 'alice@example.com',
        last_success: null,
        disabled: false,
      }),
    );
    // The exchange proved the PKCE verifier to Google.
    const exchange = google.requests.find((r) => r.form.grant_type === 'authorization_code')!;
    expect(exchange.form.code_verifier).toMatch(/^[\w-]{43}$/);
    // The listener closed with its last pending sign-in.
    const port = new URL(url.searchParams.get('redirect_uri')!).port;
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('signs in by pasting the callback address, and refuses the same address twice', async () => {
    accounts.add({ email: 'bob@example.com', project: 'bob-proj' });
    const { auth_url, state } = (await start()).body;
    const callback = await consent(google, auth_url);
    const done = await paste(callback);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      success: true,
      user_email: 'bob@example.com',
      project_id: 'bob-proj',
    });
    expect(JSON.stringify(done.body)).not.toMatch(/refresh-bob|GOCSPX|fake-signin-access/);
    const again = await paste(callback);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ step: 'state', message: expect.stringMatching(/already/) });
    expect((await getJson(t.url, `/auth/status/${state}`, t.auth)).body.status).toBe('completed');
  });

  it('answers /auth/callback once the listener has finished the sign-in', async () => {
    accounts.add({ email: 'wait@example.com', project: 'wait-proj' });
    const { auth_url, state } = (await start()).body;
    const waiting = postJson(t.url, '/auth/callback', t.auth, { state });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(await consent(google, auth_url))).status).toBe(200);
    const done = await waiting;
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ success: true, user_email: 'wait@example.com' });
  });

  it('refuses a sign-in finished after its ten minutes, storing nothing', async () => {
    accounts.add({ email: 'late@example.com', project: 'late-proj' });
    const { auth_url, state } = (await start()).body;
    const callback = await consent(google, auth_url);
    const before = await names();
    const now = Date.now();
    jest.spyOn(Clock.prototype, 'now').mockReturnValue(now + 601_000);
    const late = await paste(callback);
    expect(late.status).toBe(400);
    expect(late.body.message).toMatch(/expired/);
    expect(await names()).toEqual(before);
    expect((await getJson(t.url, `/auth/status/${state}`, t.auth)).body.status).toBe('not_found');
  });

  it('refuses an unknown state and a pasted address without a code', async () => {
    const unknown = await paste('http://localhost:1/?state=made-up&code=4/x');
    expect(unknown.status).toBe(400);
    expect(unknown.body.step).toBe('state');
    const noCode = await paste('http://localhost:1/?state=made-up');
    expect(noCode.status).toBe(400);
    expect(noCode.body.message).toMatch(/no code/);
  });

  it('stores nothing and names the step when the project cannot be found', async () => {
    accounts.add({ email: 'nop@example.com', codeAssist: 'fail', projects: [] });
    const { auth_url, state } = (await start()).body;
    const before = await names();
    const failed = await paste(await consent(google, auth_url));
    expect(failed.status).toBe(400);
    expect(failed.body).toMatchObject({ step: 'project', requires_manual_project_id: true });
    expect(failed.body.message).toMatch(/project_id/);
    expect(await names()).toEqual(before);
    expect((await getJson(t.url, `/auth/status/${state}`, t.auth)).body).toMatchObject({
      status: 'failed',
      step: 'project',
    });
  });

  it('stores nothing and names the exchange when Google refuses the code', async () => {
    accounts.add({ email: 'x@example.com' });
    const { auth_url } = (await start()).body;
    const callback = new URL(await consent(google, auth_url));
    callback.searchParams.set('code', '4/forged');
    const before = await names();
    const failed = await paste(callback.toString());
    expect(failed.status).toBe(400);
    expect(failed.body.step).toBe('exchange');
    expect(await names()).toEqual(before);
  });

  it('respects a project the user names, without asking Code Assist', async () => {
    accounts.add({ email: 'carol@example.com', codeAssist: 'fail' });
    const { auth_url } = (await start({ project_id: 'carols-own' })).body;
    google.reset();
    const done = await paste(await consent(google, auth_url));
    expect(done.body).toMatchObject({ project_id: 'carols-own', auto_detected_project: false });
    expect(google.requests.filter((r) => r.path.includes('CodeAssist'))).toEqual([]);
  });

  it('onboards an account without a tier, polling until Code Assist is done', async () => {
    const account = accounts.add({
      email: 'new@example.com',
      codeAssist: 'onboard',
      pendingPolls: 1,
      project: 'onboarded-proj',
    });
    const { auth_url } = (await start()).body;
    const done = await paste(await consent(google, auth_url));
    expect(done.body).toMatchObject({ project_id: 'onboarded-proj', auto_detected_project: true });
    expect(account.onboardCalls).toBe(2);
    const onboard = google.requests.find((r) => r.path === '/v1internal:onboardUser')!;
    expect(onboard.json).toMatchObject({ tierId: 'free-tier' });
  });

  it('answers a second paste of a callback being finished 409, and its status running', async () => {
    accounts.add({
      email: 'slow@example.com',
      codeAssist: 'onboard',
      pendingPolls: 1,
      project: 'slow-proj',
    });
    const { auth_url, state } = (await start()).body;
    const callback = await consent(google, auth_url);
    const onboarding = () => google.requests.filter((r) => r.path === '/v1internal:onboardUser');
    const before = onboarding().length;
    const first = paste(callback);
    // The first paste took the flow and waits for Code Assist's onboarding (a 2 s poll).
    while (onboarding().length === before) await new Promise((r) => setTimeout(r, 20));
    expect((await getJson(t.url, `/auth/status/${state}`, t.auth)).body.status).toBe('running');
    const second = await paste(callback);
    expect(second.status).toBe(409);
    expect(second.body.message).toMatch(/already finished/);
    expect((await first).body).toMatchObject({ project_id: 'slow-proj' });
  });

  it('falls back to the Resource Manager project named default and enables the two APIs', async () => {
    accounts.add({
      email: 'rm@example.com',
      codeAssist: 'fail',
      projects: [
        { projectId: 'first-proj' },
        { projectId: 'old-default', lifecycleState: 'DELETE_REQUESTED' },
        { projectId: 'my-default-proj' },
      ],
      enabledServices: ['my-default-proj/cloudaicompanion.googleapis.com'],
    });
    const { auth_url } = (await start()).body;
    const done = await paste(await consent(google, auth_url));
    expect(done.body).toMatchObject({ project_id: 'my-default-proj' });
    expect([...accounts.enabled]).toContain('my-default-proj/geminicloudassist.googleapis.com');
    expect([...accounts.enabled]).not.toContain('my-default-proj/cloudaicompanion.googleapis.com');
  });

  it('signs in an antigravity account with its own client into the antigravity namespace', async () => {
    accounts.add({ email: 'ag@example.com', project: 'ag-proj' });
    const { auth_url } = (await start({ use_antigravity: true })).body;
    const url = new URL(auth_url);
    expect(url.searchParams.get('client_id')).toBe(ANTIGRAVITY_CLIENT.clientId);
    expect(url.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/cclog');
    const done = await paste(await consent(google, auth_url));
    expect(done.body).toMatchObject({ is_antigravity: true, project_id: 'ag-proj' });
    expect(done.body.filename).toMatch(/^ag_ag-proj-\d+\.json$/);
    expect(await t.storage.getCredential('antigravity', done.body.filename)).toMatchObject({
      client_id: ANTIGRAVITY_CLIENT.clientId,
    });
  });

  it('gives an antigravity account that Code Assist does not know a random project', async () => {
    accounts.add({ email: 'agr@example.com', codeAssist: 'fail' });
    const { auth_url } = (await start({ use_antigravity: true })).body;
    const done = await paste(await consent(google, auth_url));
    expect(done.status).toBe(200);
    expect(done.body.project_id).toMatch(/^projects\/random-[0-9a-f]{8}\/locations\/global$/);
    // The slashes never reach the file name.
    expect(done.body.filename).toMatch(
      /^ag_projects_random-[0-9a-f]{8}_locations_global-\d+\.json$/,
    );
  });

  it('answers 400 for a start body it cannot use', async () => {
    const bad = await start({ use_antigravity: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/use_antigravity/);
  });
});
