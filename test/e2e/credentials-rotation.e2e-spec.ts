import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SettingsService } from '../../src/config/settings.service';
import { CredentialPool } from '../../src/credentials/rotation/credential-pool.service';
import {
  type CallFailure,
  CredentialRotation,
} from '../../src/credentials/rotation/credential-rotation.service';
import { TokenRefresher } from '../../src/credentials/rotation/token-refresher.service';
import { CredentialRefreshError } from '../../src/credentials/rotation/token-refresh.errors';
import type { Namespace } from '../../src/storage/storage-backend.interface';
import {
  dropConnection,
  type FakeGoogle,
  startFakeGoogle,
  tokenError,
  tokenOk,
} from '../support/fake-google';
import { createTestApp, type TestApp } from '../support/test-app';

const GCLI: Namespace = 'geminicli';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A Gemini CLI credential file whose token is good for an hour unless `extra` says otherwise. */
const credential = (id: string, extra: Record<string, unknown> = {}) => ({
  client_id: 'client-id.apps.googleusercontent.com',
  client_secret: 'client-secret',
  refresh_token: `refresh-${id}`,
  token: `token-${id}`,
  expiry: inSeconds(3600),
  project_id: `project-${id}`,
  ...extra,
});

const errorInfo = (metadata: Record<string, string>) => ({
  error: {
    code: 429,
    status: 'RESOURCE_EXHAUSTED',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'X', metadata }],
  },
});

describe('credential rotation, results and token refresh (SQLite)', () => {
  let google: FakeGoogle;
  let app: TestApp;
  let rotation: CredentialRotation;
  let tokens: TokenRefresher;
  let pool: CredentialPool;

  beforeAll(async () => {
    google = await startFakeGoogle();
  });

  afterAll(async () => {
    await google.close();
  });

  beforeEach(async () => {
    google.reset();
    app = await createTestApp({ OAUTH_PROXY_URL: google.url });
    rotation = app.app.get(CredentialRotation);
    tokens = app.app.get(TokenRefresher);
    pool = app.app.get(CredentialPool);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    // Every app of a file shares the first one's CREDENTIALS_DIR: drop the database with the app.
    const { target } = await app.storage.info();
    await app.close();
    rmSync(dirname(target), { recursive: true, force: true });
  });

  const seed = async (ids: string[], ns: Namespace = GCLI, extra: Record<string, unknown> = {}) => {
    const items = ids.map((id) => ({ name: `${id}.json`, data: credential(id, extra) }));
    await app.storage.upsertCredentials(ns, items);
  };
  const setting = async (key: string, value: unknown) => {
    await app.storage.setConfig(key, value);
    await app.app.get(SettingsService).reload();
  };
  const picks = async (count: number, modelKey = 'pro', ns: Namespace = GCLI) => {
    const names: Array<string | null> = [];
    for (let i = 0; i < count; i++) names.push(await rotation.pick(ns, modelKey));
    return names.map((name) => name?.replace(/\.json$/, '') ?? null);
  };

  describe('picking', () => {
    it('rotates through the credentials in insertion order, one call each by default', async () => {
      await seed(['a', 'b', 'c']);
      expect(await picks(7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    });

    it('stays on one credential for calls_per_rotation calls', async () => {
      await seed(['a', 'b', 'c']);
      await setting('calls_per_rotation', 3);
      expect(await picks(10)).toEqual(['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'a']);
    });

    it('skips disabled credentials, and cooling ones for that model only', async () => {
      await seed(['a', 'b', 'c', 'd']);
      await app.storage.updateState(GCLI, 'b.json', { disabled: true });
      await app.storage.setModelCooldown(GCLI, 'c.json', 'pro', Date.now() / 1000 + 600);
      expect(await picks(4, 'pro')).toEqual(['a', 'd', 'a', 'd']);
      expect(await picks(3, 'flash')).toEqual(['a', 'c', 'd']);
      expect(await rotation.eligibleCount(GCLI, 'pro')).toBe(2);
    });

    it('uses a cooling credential again once its cooldown has ended', async () => {
      await seed(['a', 'b']);
      await app.storage.setModelCooldown(GCLI, 'b.json', 'pro', Date.now() / 1000 + 1);
      expect(await picks(3)).toEqual(['a', 'a', 'a']);
      await sleep(1100);
      expect(await picks(2)).toEqual(['b', 'a']);
    });

    it('answers null when no credential is eligible, and when there is none at all', async () => {
      expect(await rotation.pick(GCLI, 'pro')).toBeNull();
      await seed(['a']);
      await rotation.setDisabled(GCLI, 'a.json', true);
      await rotation.reload(GCLI);
      expect(await rotation.pick(GCLI, 'pro')).toBeNull();
      expect(await pool.acquire(GCLI, 'gemini-2.5-pro')).toBeNull();
    });

    it('sees credentials added and disabled by other writers within about a second', async () => {
      await seed(['a']);
      expect(await picks(2)).toEqual(['a', 'a']);
      await seed(['b']);
      await app.storage.updateState(GCLI, 'a.json', { disabled: true });
      await sleep(1500);
      expect(await picks(2)).toEqual(['b', 'b']);
    });
  });

  describe('recording results', () => {
    /** The 429 responses, each saying "an hour from now" (`until`, unix seconds) its own way. */
    const responses: Array<[string, (until: number) => Omit<CallFailure, 'status'>]> = [
      [
        'quotaResetTimeStamp',
        (until) => ({
          body: errorInfo({ quotaResetTimeStamp: new Date(until * 1000).toISOString() }),
        }),
      ],
      ['quotaResetDelay', () => ({ body: errorInfo({ quotaResetDelay: '1h0m0s' }) })],
      [
        'Retry-After',
        () => ({ body: { error: { code: 429 } }, headers: { 'Retry-After': '3600' } }),
      ],
    ];
    it.each(responses)('cools that model down on a 429 with %s', async (_, response) => {
      await seed(['a', 'b']);
      const until = Date.now() / 1000 + 3600;
      const outcome = await rotation.recordFailure(GCLI, 'b.json', {
        status: 429,
        modelKey: 'pro',
        ...response(until),
      });
      expect(outcome.retryable).toBe(true);
      expect(outcome.banned).toBe(false);
      expect(outcome.cooldownUntil).toBeCloseTo(until, -1);
      const state = await app.storage.getState(GCLI, 'b.json');
      expect(state?.errorCodes).toEqual([429]);
      expect(Object.keys(state!.modelCooldowns)).toEqual(['pro']);
      expect(state!.modelCooldowns.pro).toBeCloseTo(until, -1);
      expect(await picks(3, 'pro')).toEqual(['a', 'a', 'a']);
      expect(await picks(2, 'flash')).toEqual(['a', 'b']);
    });

    it('records a 429 without a reset time but cools nothing down', async () => {
      await seed(['a']);
      const outcome = await rotation.recordFailure(GCLI, 'a.json', {
        status: 429,
        modelKey: 'pro',
      });
      expect(outcome).toEqual({ banned: false, retryable: true });
      expect((await app.storage.getState(GCLI, 'a.json'))?.modelCooldowns).toEqual({});
    });

    it('clears the error codes and that model’s cooldown on success, and counts the call', async () => {
      await seed(['a']);
      await rotation.recordFailure(GCLI, 'a.json', {
        status: 429,
        modelKey: 'pro',
        body: errorInfo({ quotaResetDelay: '600s' }),
      });
      expect(await rotation.pick(GCLI, 'pro')).toBeNull();
      await rotation.recordSuccess(GCLI, 'a.json', 'pro');
      const state = await app.storage.getState(GCLI, 'a.json');
      expect(state).toMatchObject({ errorCodes: [], modelCooldowns: {}, callCount: 1 });
      expect(state!.lastSuccess).toBeCloseTo(Date.now() / 1000, -1);
      expect(await rotation.pick(GCLI, 'pro')).toBe('a.json');
    });

    it('retries with another credential after 401, 403, 429, 5xx and network errors only', async () => {
      await seed(['a']);
      const retryable = async (status?: number) =>
        (await rotation.recordFailure(GCLI, 'a.json', { status, modelKey: 'pro' })).retryable;
      expect(await retryable(400)).toBe(false);
      expect(await retryable(404)).toBe(false);
      // The credential's token is dead, or its account may not use the project: another may.
      expect(await retryable(401)).toBe(true);
      expect(await retryable(403)).toBe(true);
      expect(await retryable(500)).toBe(true);
      expect(await retryable(503)).toBe(true);
      expect(await retryable(undefined)).toBe(true);
      expect(await retryable(0)).toBe(true);
      // A network error has no status to remember.
      expect((await app.storage.getState(GCLI, 'a.json'))?.errorCodes).toEqual([
        400, 404, 401, 403, 500, 503,
      ]);
    });

    it('auto-bans on a listed status when enabled, with a warning', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      await seed(['a', 'b']);
      await setting('auto_ban_enabled', true);
      await setting('auto_ban_error_codes', [403, 401]);
      expect(await rotation.recordFailure(GCLI, 'a.json', { status: 500 })).toMatchObject({
        banned: false,
      });
      const outcome = await rotation.recordFailure(GCLI, 'a.json', { status: 403 });
      // The banned credential is out; the request goes on with another one.
      expect(outcome).toEqual({ banned: true, retryable: true });
      expect((await app.storage.getState(GCLI, 'a.json'))?.disabled).toBe(true);
      expect(warn).toHaveBeenCalledWith(
        '[AUTO_BAN] Status 403 triggers auto-ban for credential: a.json',
      );
      expect(await picks(3)).toEqual(['b', 'b', 'b']);
    });

    it('does not auto-ban when it is off (the default), nor antigravity on the Gemini CLI switch', async () => {
      await seed(['a']);
      await seed(['g'], 'antigravity');
      expect((await rotation.recordFailure(GCLI, 'a.json', { status: 403 })).banned).toBe(false);
      await setting('auto_ban_enabled', true);
      const ag = await rotation.recordFailure('antigravity', 'g.json', { status: 403 });
      expect(ag.banned).toBe(false);
      expect((await app.storage.getState(GCLI, 'a.json'))?.disabled).toBe(false);
      expect((await app.storage.getState('antigravity', 'g.json'))?.disabled).toBe(false);
      await setting('ag_auto_ban_enabled', true);
      expect((await rotation.recordFailure('antigravity', 'g.json', { status: 403 })).banned).toBe(
        true,
      );
    });
  });

  describe('token refresh', () => {
    const expired = { token: 'old-token', access_token: 'old-token', expiry: inSeconds(-60) };

    it('stores the new token, its expiry and a rotated refresh token, keeping the state', async () => {
      await seed(['a'], GCLI, expired);
      await app.storage.updateState(GCLI, 'a.json', { userEmail: 'someone@example.com' });
      await rotation.recordSuccess(GCLI, 'a.json');
      google.scriptToken(
        'refresh-a',
        tokenOk({ accessToken: 'new-token', expiresIn: 1800, refreshToken: 'refresh-a2' }),
      );
      const before = Date.now();
      const result = await tokens.accessToken(GCLI, 'a.json');
      expect(result.accessToken).toBe('new-token');

      const [request] = google.tokenRequests();
      expect(google.tokenRequests()).toHaveLength(1);
      expect(request.form).toEqual({
        client_id: 'client-id.apps.googleusercontent.com',
        client_secret: 'client-secret',
        refresh_token: 'refresh-a',
        grant_type: 'refresh_token',
      });
      const stored = await app.storage.getCredential(GCLI, 'a.json');
      expect(stored).toMatchObject({
        token: 'new-token',
        access_token: 'new-token',
        refresh_token: 'refresh-a2',
        project_id: 'project-a',
      });
      expect(stored!.expiry).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const expiry = Date.parse(stored!.expiry as string);
      expect(expiry).toBeGreaterThanOrEqual(before + 1_800_000);
      expect(expiry).toBeLessThanOrEqual(Date.now() + 1_800_000);
      expect(await app.storage.getState(GCLI, 'a.json')).toMatchObject({
        userEmail: 'someone@example.com',
        callCount: 1,
        disabled: false,
      });
    });

    it('refreshes a token with under 5 minutes left, but not one with more', async () => {
      await seed(['fresh'], GCLI, { expiry: inSeconds(400) });
      await seed(['soon'], GCLI, { expiry: inSeconds(200) });
      expect((await tokens.accessToken(GCLI, 'fresh.json')).accessToken).toBe('token-fresh');
      expect((await tokens.accessToken(GCLI, 'soon.json')).accessToken).toMatch(/^fake-access-/);
      expect(google.tokenRequests().map((r) => r.form.refresh_token)).toEqual(['refresh-soon']);
    });

    it.each([
      [400, 'invalid_grant'],
      [401, 'invalid_client'],
      [403, 'access_denied'],
    ])(
      'disables the credential and records %i after a permanent failure (%s)',
      async (status, error) => {
        await seed(['a', 'b'], GCLI, expired);
        google.scriptToken('refresh-a', tokenError(status, error));
        const failure = await tokens.accessToken(GCLI, 'a.json').catch((err: unknown) => err);
        expect(failure).toBeInstanceOf(CredentialRefreshError);
        expect(failure).toMatchObject({ permanent: true, status, oauthError: error });
        expect(await app.storage.getState(GCLI, 'a.json')).toMatchObject({
          disabled: true,
          errorCodes: [status],
        });
        expect(await picks(2)).toEqual(['b', 'b']);
        expect((failure as Error).message).not.toContain('refresh-a');
      },
    );

    it('treats invalid_grant as permanent whatever the status', async () => {
      await seed(['a'], GCLI, expired);
      google.scriptToken('refresh-a', tokenError(500, 'invalid_grant'));
      await expect(tokens.accessToken(GCLI, 'a.json')).rejects.toMatchObject({ permanent: true });
      expect(await app.storage.getState(GCLI, 'a.json')).toMatchObject({
        disabled: true,
        errorCodes: [500],
      });
    });

    it.each([
      ['a 500', tokenError(500)],
      ['a 429', tokenError(429, 'rate_limited')],
      ['a dropped connection', dropConnection()],
    ])('does not disable the credential after %s', async (_, reply) => {
      await seed(['a'], GCLI, expired);
      google.scriptToken('refresh-a', reply);
      await expect(tokens.accessToken(GCLI, 'a.json')).rejects.toMatchObject({
        name: 'CredentialRefreshError',
        permanent: false,
      });
      expect(await app.storage.getState(GCLI, 'a.json')).toMatchObject({
        disabled: false,
        errorCodes: [],
      });
      expect(await rotation.pick(GCLI, 'pro')).toBe('a.json');
    });

    it('disables a credential that has no refresh token', async () => {
      const data: Record<string, unknown> = credential('a', expired);
      delete data.refresh_token;
      await app.storage.upsertCredential(GCLI, 'a.json', data);
      await expect(tokens.accessToken(GCLI, 'a.json')).rejects.toMatchObject({ permanent: true });
      expect((await app.storage.getState(GCLI, 'a.json'))?.disabled).toBe(true);
      expect(google.tokenRequests()).toHaveLength(0);
    });
  });

  describe('acquire', () => {
    it('hands out the credential, a working token and its project', async () => {
      await seed(['a']);
      expect(await pool.acquire(GCLI, '假流式/gemini-2.5-flash-search')).toMatchObject({
        name: 'a.json',
        modelKey: 'flash',
        accessToken: 'token-a',
        projectId: 'project-a',
        credential: { refresh_token: 'refresh-a' },
      });
    });

    it('refreshes an expired token once for 20 concurrent requests', async () => {
      await seed(['a'], GCLI, { expiry: inSeconds(-1) });
      google.scriptToken('refresh-a', tokenOk({ accessToken: 'shared-token', delayMs: 200 }));
      const results = await Promise.all(
        Array.from({ length: 20 }, () => pool.acquire(GCLI, 'gemini-2.5-pro')),
      );
      expect(results.map((r) => r?.accessToken)).toEqual(Array(20).fill('shared-token'));
      expect(google.tokenRequests()).toHaveLength(1);
    });

    it('moves on to the next credential when a refresh fails permanently', async () => {
      await seed(['a'], GCLI, { expiry: inSeconds(-1) });
      await seed(['b']);
      google.scriptToken('refresh-a', tokenError(400, 'invalid_grant'));
      const acquired = await pool.acquire(GCLI, 'gemini-2.5-pro');
      expect(acquired).toMatchObject({ name: 'b.json', accessToken: 'token-b' });
      expect((await app.storage.getState(GCLI, 'a.json'))?.disabled).toBe(true);
      expect(google.tokenRequests('refresh-a')).toHaveLength(1);
      expect(await picks(2)).toEqual(['b', 'b']);
    });

    it('moves on after a temporary refresh failure without disabling', async () => {
      await seed(['a'], GCLI, { expiry: inSeconds(-1) });
      await seed(['b']);
      google.scriptToken('refresh-a', tokenError(503));
      expect(await pool.acquire(GCLI, 'gemini-2.5-pro')).toMatchObject({ name: 'b.json' });
      expect((await app.storage.getState(GCLI, 'a.json'))?.disabled).toBe(false);
    });

    it('never hands out a credential disabled elsewhere, even before the index reloads', async () => {
      await seed(['a', 'b']);
      expect(await picks(1)).toEqual(['a']);
      await app.storage.updateState(GCLI, 'a.json', { disabled: true });
      for (let i = 0; i < 4; i++) {
        expect((await pool.acquire(GCLI, 'gemini-2.5-pro'))?.name).toBe('b.json');
      }
    });

    it('gives up with null when every credential fails to refresh', async () => {
      await seed(['a', 'b'], GCLI, { expiry: inSeconds(-1) });
      google.scriptToken('refresh-a', tokenError(400, 'invalid_grant'));
      google.scriptToken('refresh-b', tokenError(500));
      expect(await pool.acquire(GCLI, 'gemini-2.5-pro')).toBeNull();
      expect(google.tokenRequests()).toHaveLength(2);
    });
  });
});
