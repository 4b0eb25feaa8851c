import { GEMINI_CLI_CLIENT } from '../../src/credentials/discovery/oauth-clients';
import { type FakeCodeAssist, installCodeAssist } from '../support/fake-code-assist';
import { CredentialPool } from '../../src/credentials/rotation/credential-pool.service';
import { type FakeGoogle, startFakeGoogle, tokenError, tokenOk } from '../support/fake-google';
import { type FakeAccounts, installFakeAccounts } from '../support/fake-google-accounts';
import { createTestApp, type TestApp } from '../support/test-app';
import { fakeGoogleEnv, getJson, postJson } from './support/signin-browser';

const API_KEY = 'sk-lifecycle';

/** Polls `read` until `done` says yes (at most 10 s). */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('credential lifecycle: discovered, checked, and saying why one cannot serve', () => {
  let google: FakeGoogle;
  let accounts: FakeAccounts;
  let assist: FakeCodeAssist;
  let t: TestApp;

  beforeAll(async () => {
    google = await startFakeGoogle();
    accounts = installFakeAccounts(google);
    assist = installCodeAssist(google);
    t = await createTestApp({ ...fakeGoogleEnv(google), API_PASSWORD: API_KEY });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await google?.close();
  });

  const upload = async (filename: string, content: unknown, path = '/auth/upload') => {
    const form = new FormData();
    form.append('files', new Blob([JSON.stringify(content)]), filename);
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: t.auth,
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const item = async (name: string, query = '') => {
    const page = (await getJson(t.url, `/creds/status?limit=1000${query}`, t.auth)).body;
    return (page.items as Array<Record<string, any>>).find((i) => i.filename === name);
  };
  const listed = async (query: string) =>
    (
      (await getJson(t.url, `/creds/status?limit=1000&${query}`, t.auth)).body.items as Array<{
        filename: string;
      }>
    ).map((i) => i.filename);
  const settled = (name: string) =>
    waitFor(
      () => item(name),
      (i) => i !== undefined && !/discovery is running/.test(i.problem?.message ?? ''),
    );

  it('serves the Gemini CLI oauth_creds.json after a plain upload', async () => {
    accounts.add({ email: 'cli@example.com', refreshToken: '1//cli-refresh', project: 'cli-proj' });
    // What `gemini` writes to ~/.gemini/oauth_creds.json: no client, no project, expiry_date.
    const cliFile = {
      access_token: 'ya29.expired',
      refresh_token: '1//cli-refresh',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      token_type: 'Bearer',
      id_token: 'eyJ.fake',
      expiry_date: Date.now() - 60_000,
    };
    const uploaded = await upload('oauth_creds.json', cliFile);
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.results[0]).toMatchObject({
      status: 'stored',
      message: expect.stringMatching(/no project_id: discovering/),
    });
    const state = await settled('oauth_creds.json');
    expect(state).toMatchObject({
      problem: null,
      user_email: 'cli@example.com',
      last_success: null,
    });
    const stored = await t.storage.getCredential('geminicli', 'oauth_creds.json');
    expect(stored).toMatchObject({ client_id: GEMINI_CLI_CLIENT.clientId, project_id: 'cli-proj' });
    expect(google.tokenRequests('1//cli-refresh')[0].form.client_id).toBe(
      GEMINI_CLI_CLIENT.clientId,
    );

    assist.reset();
    const chat = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-2.5-pro',
        messages: [{ role: 'user', content: 'ping' }],
      }),
    });
    expect(chat.status).toBe(200);
    expect(assist.calls().map((c) => c.project)).toEqual(['cli-proj']);
    // Successes are written in batches, a fraction of a second after the answer.
    const served = await waitFor(
      () => item('oauth_creds.json'),
      (i) => i?.last_success != null,
    );
    expect(served!.last_success).toEqual(expect.any(Number));
  });

  it('says no_project when no project can be found, filterable, until verify-project heals it', async () => {
    const account = accounts.add({
      email: 'np@example.com',
      refreshToken: '1//np-refresh',
      codeAssist: 'fail',
      projects: [],
    });
    await upload('np.json', { refresh_token: '1//np-refresh' });
    const state = await settled('np.json');
    expect(state!.problem).toMatchObject({
      code: 'no_project',
      message: expect.stringMatching(/project/),
      at: expect.any(Number),
    });
    expect(state!.disabled).toBe(false);
    expect(await listed('problem_filter=no_project')).toContain('np.json');
    expect(await listed('problem_filter=any')).toContain('np.json');
    expect(await listed('problem_filter=none')).not.toContain('np.json');
    expect(await listed('problem_filter=none')).toContain('oauth_creds.json');

    const refused = await postJson(t.url, '/creds/verify-project/np.json', t.auth, {});
    expect(refused.status).toBe(400);
    account.codeAssist = 'current';
    account.project = 'np-found';
    const verified = await postJson(t.url, '/creds/verify-project/np.json', t.auth, {});
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      success: true,
      filename: 'np.json',
      project_id: 'np-found',
    });
    expect(await item('np.json')).toMatchObject({
      problem: null,
      disabled: false,
      error_codes: [],
    });
  });

  it('says needs_reauth and disables a credential whose refresh token Google refuses', async () => {
    accounts.add({ email: 'dead@example.com', refreshToken: '1//dead' });
    google.scriptToken('1//dead', tokenError(400, 'invalid_grant'));
    await upload('dead.json', { refresh_token: '1//dead', project_id: 'dead-proj' });
    const fetched = await postJson(t.url, '/creds/fetch-email/dead.json', t.auth, {});
    expect(fetched.status).toBe(400);
    expect(fetched.body.message).toMatch(/invalid_grant/);
    expect(await item('dead.json')).toMatchObject({
      disabled: true,
      problem: { code: 'needs_reauth', message: expect.stringMatching(/sign in again/) },
    });
    expect(await listed('problem_filter=needs_reauth')).toEqual(['dead.json']);
  });

  it('reads e-mails one by one or all at once, and answers 404 for an unknown name', async () => {
    accounts.add({ email: 'mail@example.com', refreshToken: '1//mail' });
    await upload('mail.json', { refresh_token: '1//mail', project_id: 'mail-proj' });
    await t.storage.updateState('geminicli', 'mail.json', { userEmail: null });
    const one = await postJson(t.url, '/creds/fetch-email/mail.json', t.auth, {});
    expect(one).toMatchObject({
      status: 200,
      body: { filename: 'mail.json', user_email: 'mail@example.com' },
    });
    const all = await postJson(t.url, '/creds/refresh-all-emails', t.auth, {});
    expect(all.status).toBe(200);
    expect(all.body.total_count).toBe((await t.storage.listCredentialNames('geminicli')).length);
    expect(all.body.results).toContainEqual({
      filename: 'mail.json',
      success: true,
      user_email: 'mail@example.com',
    });
    expect(all.body.results).toContainEqual(
      expect.objectContaining({ filename: 'dead.json', success: false }),
    );
    expect(all.body.success_count).toBe(all.body.results.filter((r: any) => r.success).length);
    const missing = await postJson(t.url, '/antigravity/creds/fetch-email/nope.json', t.auth, {});
    expect(missing.status).toBe(404);
  });

  it('verifies many credentials in one batch action, saying which failed', async () => {
    const answer = await postJson(t.url, '/creds/batch-action', t.auth, {
      action: 'verify',
      filenames: ['mail.json', 'dead.json', 'nope.json'],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      success_count: 1,
      total_count: 3,
      succeeded_files: ['mail.json'],
    });
    expect(answer.body.failures.map((f: any) => f.filename)).toEqual(['dead.json', 'nope.json']);
  });

  it('finds the project on first use when it was not known before', async () => {
    accounts.add({
      email: 'use@example.com',
      refreshToken: '1//use',
      accessToken: 'tok-use',
      project: 'use-proj',
    });
    await t.storage.upsertCredential('antigravity', 'use.json', {
      client_id: 'client-id',
      client_secret: 'client-secret',
      refresh_token: '1//use',
      token: 'tok-use',
      expiry: new Date(Date.now() + 3600_000).toISOString(),
    });
    const acquired = await t.app
      .get(CredentialPool)
      .acquire('antigravity', 'claude-sonnet-4-5', { needsProject: true });
    expect(acquired).toMatchObject({ name: 'use.json', projectId: 'use-proj' });
    expect(await t.storage.getCredential('antigravity', 'use.json')).toMatchObject({
      project_id: 'use-proj',
    });
  });

  it('says refresh_failed while the token endpoint fails, and clears it once a refresh works', async () => {
    accounts.add({ email: 'flaky@example.com', refreshToken: '1//flaky' });
    google.scriptToken('1//flaky', tokenError(503), tokenOk());
    await upload('flaky.json', { refresh_token: '1//flaky', project_id: 'flaky-proj' });
    const first = await postJson(t.url, '/creds/fetch-email/flaky.json', t.auth, {});
    expect(first.status).toBe(400);
    expect(await item('flaky.json')).toMatchObject({
      disabled: false,
      problem: { code: 'refresh_failed' },
    });
    const second = await postJson(t.url, '/creds/fetch-email/flaky.json', t.auth, {});
    expect(second.status).toBe(200);
    expect((await item('flaky.json'))!.problem).toBeNull();
  });

  it('refuses a problem filter it does not understand', async () => {
    const answer = await getJson(t.url, '/creds/status?problem_filter=NO%20PROJECT', t.auth);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/problem_filter/);
  });
});
