import { CredentialRecovery } from '../../src/credentials/recovery/credential-recovery.service';
import { expiryOf } from '../../src/credentials/rotation/credential-token';
import { type FakeCodeAssist, installCodeAssist } from '../support/fake-code-assist';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google';
import { type FakeAccounts, installFakeAccounts } from '../support/fake-google-accounts';
import { createTestApp, type TestApp } from '../support/test-app';
import { fakeGoogleEnv, getJson, postJson } from './support/signin-browser';

const API_KEY = 'sk-recovery';
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('recovery without a human: half-open probes and proactive refresh', () => {
  let google: FakeGoogle;
  let accounts: FakeAccounts;
  let assist: FakeCodeAssist;
  let t: TestApp;
  let recovery: CredentialRecovery;

  beforeAll(async () => {
    google = await startFakeGoogle();
    accounts = installFakeAccounts(google);
    assist = installCodeAssist(google);
    t = await createTestApp({ ...fakeGoogleEnv(google), API_PASSWORD: API_KEY, AUTO_BAN: 'true' });
    recovery = t.app.get(CredentialRecovery);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await google?.close();
  });

  /** Stores a credential of a fake account whose token is good for `validFor` seconds. */
  const account = async (id: string, validFor = 3600, mode: 'current' | 'fail' = 'current') => {
    accounts.add({
      email: `${id}@example.com`,
      refreshToken: `1//${id}`,
      accessToken: `tok-${id}`,
      codeAssist: mode,
    });
    await t.storage.upsertCredential('geminicli', `${id}.json`, {
      client_id: 'client-id',
      client_secret: 'client-secret',
      refresh_token: `1//${id}`,
      token: `tok-${id}`,
      expiry: inSeconds(validFor),
      project_id: `${id}-proj`,
    });
  };
  const state = (name: string) => t.storage.getState('geminicli', name);
  const setConfig = (config: Record<string, unknown>) =>
    postJson(t.url, '/config/save', t.auth, { config });

  it('runs one round per interval across processes, and not at all when switched off', async () => {
    expect((await setConfig({ recovery_enabled: false })).status).toBe(200);
    expect(await recovery.tick()).toBe(false);
    expect(await t.storage.getEntry('recovery-lease')).toBeNull();
    await setConfig({ recovery_enabled: true });
    expect(await recovery.tick()).toBe(true);
    // Another process (or this one, again) finds the interval's lease taken.
    expect(await recovery.tick()).toBe(false);
    expect(await t.storage.getEntry('recovery-lease')).not.toBeNull();
  });

  it('re-enables an auto-banned credential once it works, and never one a person disabled', async () => {
    await account('ban');
    await account('manual');
    await account('taken');
    // Auto-banned first, then disabled by a person: the person's word wins.
    const auto = { code: 'auto_banned', message: 'auto-banned after HTTP 403', at: 1 };
    await t.storage.updateState('geminicli', 'taken.json', { disabled: true, problem: auto });
    for (const filename of ['manual.json', 'taken.json']) {
      const disabled = await postJson(t.url, '/creds/action', t.auth, {
        filename,
        action: 'disable',
      });
      expect(disabled.status).toBe(200);
    }
    const denied = { error: { code: 403, message: 'denied', status: 'PERMISSION_DENIED' } };
    assist.scriptFor('tok-ban', { error: { status: 403, body: denied } });
    const chat = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-2.5-pro',
        messages: [{ role: 'user', content: 'hi!' }],
      }),
    });
    expect(chat.status).toBe(403);
    expect(await state('ban.json')).toMatchObject({
      disabled: true,
      problem: { code: 'auto_banned', message: expect.stringMatching(/403/) },
    });
    const banned = (await getJson(t.url, '/creds/status?problem_filter=auto_banned', t.auth)).body;
    expect(banned.items.map((i: { filename: string }) => i.filename)).toEqual(['ban.json']);

    const round = await recovery.runOnce();
    expect(round.recovered).toContain('geminicli:ban.json');
    expect(round.probed).not.toContain('geminicli:manual.json');
    expect(await state('ban.json')).toMatchObject({ disabled: false, problem: null });
    expect(await state('manual.json')).toMatchObject({ disabled: true, problem: null });
    expect(await state('taken.json')).toMatchObject({ disabled: true, problem: null });
  });

  it('leaves a credential disabled with its reason when the probe fails', async () => {
    await account('still', 3600, 'fail');
    const problem = { code: 'auto_banned', message: 'auto-banned after HTTP 403', at: 1 };
    await t.storage.updateState('geminicli', 'still.json', { disabled: true, problem });
    const round = await recovery.runOnce();
    expect(round.probed).toContain('geminicli:still.json');
    expect(round.recovered).not.toContain('geminicli:still.json');
    expect(await state('still.json')).toMatchObject({ disabled: true, problem });
  });

  it('refreshes tokens about to expire, without making other processes reload', async () => {
    await account('soon', 600);
    await account('later', 3 * 3600);
    const version = await t.storage.changeVersion();
    const round = await recovery.runOnce();
    expect(round.refreshed).toContain('geminicli:soon.json');
    expect(round.refreshed).not.toContain('geminicli:later.json');
    expect(google.tokenRequests('1//soon')).toHaveLength(1);
    expect(google.tokenRequests('1//later')).toHaveLength(0);
    const soon = (await t.storage.getCredential('geminicli', 'soon.json'))!;
    expect(expiryOf(soon)! - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(await t.storage.changeVersion()).toBe(version);
  });
});
