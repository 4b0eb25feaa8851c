import { CredentialPool } from '../../../src/credentials/rotation/credential-pool.service';
import { CredentialRotation } from '../../../src/credentials/rotation/credential-rotation.service';
import { type FakeGoogle, startFakeGoogle, tokenOk } from '../../support/fake-google';
import { type FakeAccounts, installFakeAccounts } from '../../support/fake-google-accounts';
import { consent, fakeGoogleEnv, getJson, postJson } from './signin-browser';
import { describeWithServers, type ServerName } from '../../support/server-env';
import { createTestApp, type TestApp } from '../../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const credential = (id: string, expiry = inSeconds(3600)) => ({
  client_id: 'client-id',
  client_secret: 'client-secret',
  refresh_token: `refresh-${id}`,
  token: `token-${id}`,
  expiry,
  project_id: `project-${id}`,
});

/** A shared backend for both instances: the env that selects it, and how to remove it after. */
export interface SharedBackend {
  env: Record<string, string>;
  cleanup?: () => Promise<void>;
}

/**
 * Two gateway instances (two apps in this process, each with its own storage connection and
 * caches) on one backend must agree on disables and share a token refresh. The env is read once
 * per test file, so each backend gets its own spec file calling this.
 */
export function describeTwoInstances(
  label: string,
  servers: ServerName[],
  setup: () => Promise<SharedBackend>,
) {
  describeWithServers(servers)(`two gateway processes on one ${label}`, () => {
    let google: FakeGoogle;
    let accounts: FakeAccounts;
    let a: TestApp;
    let b: TestApp;

    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      google = await startFakeGoogle();
      accounts = installFakeAccounts(google);
      const backend = await setup();
      cleanup = backend.cleanup;
      const env = { ...backend.env, ...fakeGoogleEnv(google), HOST: '127.0.0.1' };
      a = await createTestApp(env);
      b = await createTestApp(env);
    });

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await google?.close();
      await cleanup?.();
    });

    it('stops picking a credential within 2 s of its disable through the other process', async () => {
      const names = ['m0', 'm1', 'm2', 'm3'];
      await a.storage.upsertCredentials(
        'geminicli',
        names.map((id) => ({ name: `${id}.json`, data: credential(id) })),
      );
      const rotation = b.app.get(CredentialRotation);
      const before = new Set<string | null>();
      for (let i = 0; i < 8; i++) before.add(await rotation.pick('geminicli', 'pro'));
      expect(before).toContain('m2.json');

      const disabledAt = performance.now();
      await a.storage.updateState('geminicli', 'm2.json', { disabled: true });
      let lastPick = 0;
      while (performance.now() - disabledAt < 3500) {
        if ((await rotation.pick('geminicli', 'pro')) === 'm2.json') {
          lastPick = performance.now() - disabledAt;
        }
        await sleep(5);
      }
      process.stderr.write(
        `${label}: the other process last picked the disabled credential ${Math.round(lastPick)} ms after the disable\n`,
      );
      expect(lastPick).toBeLessThanOrEqual(2000);
    });

    it('finishes a sign-in started by one process in the other, and only once', async () => {
      accounts.add({ email: 'shared@example.com', project: 'shared-proj' });
      const { auth_url, state } = (await postJson(a.url, '/auth/start', a.auth, {})).body;
      const callback = await consent(google, auth_url);
      const [fromB, fromA] = await Promise.all([
        postJson(b.url, '/auth/callback-url', b.auth, { callback_url: callback }),
        postJson(a.url, '/auth/callback-url', a.auth, { callback_url: callback }),
      ]);
      expect([fromB.status, fromA.status].sort()).toEqual([200, 409]);
      const done = fromB.status === 200 ? fromB.body : fromA.body;
      expect(done).toMatchObject({ user_email: 'shared@example.com', project_id: 'shared-proj' });
      expect((await getJson(a.url, `/auth/status/${state}`, a.auth)).body).toMatchObject({
        status: 'completed',
        filename: done.filename,
      });
      expect(await a.storage.getCredential('geminicli', done.filename)).toMatchObject({
        project_id: 'shared-proj',
      });
    });

    it('refreshes an expired token once when both processes need it at the same time', async () => {
      await a.storage.upsertCredential(
        'antigravity',
        'lease.json',
        credential('lease', inSeconds(-5)),
      );
      google.scriptToken('refresh-lease', tokenOk({ accessToken: 'leased-token', delayMs: 400 }));
      const [fromA, fromB] = await Promise.all([
        a.app.get(CredentialPool).acquire('antigravity', 'claude-sonnet-4-5'),
        b.app.get(CredentialPool).acquire('antigravity', 'claude-sonnet-4-5'),
      ]);
      expect(fromA).toMatchObject({ name: 'lease.json', accessToken: 'leased-token' });
      expect(fromB).toMatchObject({ name: 'lease.json', accessToken: 'leased-token' });
      expect(google.tokenRequests('refresh-lease')).toHaveLength(1);
    });
  });
}
