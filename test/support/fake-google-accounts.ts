/**
 * Google accounts on a `FakeGoogle`: the consent screen (`GET /o/oauth2/auth`, which "signs in"
 * at once and redirects with a code, as a browser would see it), the authorization-code grant at
 * `POST /token` (PKCE checked), user info, Code Assist's `loadCodeAssist` and `onboardUser`
 * (pending, then done), the Resource Manager project list and Service Usage. Access tokens the
 * fake issues (or that an account is given) say which account a call is made for.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FakeGoogle, FakeReply, RecordedRequest } from './fake-google';

/** How Code Assist treats an account. */
export type CodeAssistMode =
  /** `loadCodeAssist` answers a current tier with the project. */
  | 'current'
  /** No current tier: `onboardUser` answers `done: false` `pendingPolls` times, then the project. */
  | 'onboard'
  /** `loadCodeAssist` and `onboardUser` answer 403: discovery falls back to Resource Manager. */
  | 'fail';

export interface FakeAccountOptions {
  email: string;
  /** Issued by the code exchange; default `refresh-<email>`. */
  refreshToken?: string;
  /** An access token already known to belong to the account (for pre-made credentials). */
  accessToken?: string;
  codeAssist?: CodeAssistMode;
  /** The project Code Assist gives (modes `current` and `onboard`). Default `ca-<user>`. */
  project?: string;
  /** `onboardUser` polls answered `done: false` first. Default 1. */
  pendingPolls?: number;
  /** Resource Manager's projects of the account. Default none. */
  projects?: Array<{ projectId: string; name?: string; lifecycleState?: string }>;
  /** Services already enabled, `project/service`. */
  enabledServices?: string[];
  /** `userinfo` answers this status instead of the e-mail. */
  userinfoStatus?: number;
}

export interface FakeAccount extends Required<Omit<FakeAccountOptions, 'accessToken'>> {
  accessToken?: string;
  /** `onboardUser` calls so far. */
  onboardCalls: number;
}

export interface FakeAccounts {
  /** Adds (or replaces) an account; the consent screen signs in as the last one added. */
  add(options: FakeAccountOptions): FakeAccount;
  /** The account the consent screen signs in as next. */
  signInAs(email: string): void;
  /** The services enabled through Service Usage, `project/service`. */
  readonly enabled: Set<string>;
  /** Codes the consent screen issued, for tests that replay one. */
  readonly codes: string[];
}

interface IssuedCode {
  account: FakeAccount;
  challenge: string;
  redirectUri: string;
  clientId: string;
  used: boolean;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');
const json = (body: unknown, status = 200): FakeReply => ({ status, body });
const googleError = (status: number, message: string) =>
  json({ error: { code: status, message, status: 'PERMISSION_DENIED' } }, status);

/** Installs the account routes on `fake` (the token route keeps its refresh scripts). */
export function installFakeAccounts(fake: FakeGoogle): FakeAccounts {
  const accounts = new Map<string, FakeAccount>();
  const byToken = new Map<string, FakeAccount>();
  const codes = new Map<string, IssuedCode>();
  const enabled = new Set<string>();
  const issuedCodes: string[] = [];
  let current: FakeAccount | undefined;

  const accountOf = (request: RecordedRequest): FakeAccount | undefined => {
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    return token === undefined ? undefined : byToken.get(token);
  };

  fake.route('GET', '/o/oauth2/auth', (request) => {
    const q = request.query;
    const account = current;
    if (!account) return json({ error: 'no fake account to sign in as' }, 400);
    if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256') {
      return json({ error: 'invalid_request' }, 400);
    }
    const code = `4/fake-code-${base64url(randomBytes(9))}`;
    codes.set(code, {
      account,
      challenge: q.get('code_challenge') ?? '',
      redirectUri: q.get('redirect_uri') ?? '',
      clientId: q.get('client_id') ?? '',
      used: false,
    });
    issuedCodes.push(code);
    const target = new URL(q.get('redirect_uri') ?? 'http://localhost/');
    target.searchParams.set('state', q.get('state') ?? '');
    target.searchParams.set('code', code);
    target.searchParams.set('scope', q.get('scope') ?? '');
    return { status: 302, headers: { location: target.toString() }, body: '' };
  });

  const refreshGrant = fake.handlerOf('POST', '/token')!;
  fake.route('POST', '/token', async (request) => {
    if (request.form.grant_type === 'authorization_code') return codeGrant(request);
    const reply = await refreshGrant(request);
    const account = [...accounts.values()].find(
      (a) => a.refreshToken === request.form.refresh_token,
    );
    const token = (reply.body as { access_token?: unknown } | undefined)?.access_token;
    if (account && typeof token === 'string') byToken.set(token, account);
    return reply;
  });

  const codeGrant = (request: RecordedRequest): FakeReply => {
    const { code, code_verifier: verifier, redirect_uri: redirectUri, client_id } = request.form;
    const issued = codes.get(code ?? '');
    const refuse = (description: string) =>
      json({ error: 'invalid_grant', error_description: description }, 400);
    if (!issued || issued.used) return refuse('unknown or used code');
    issued.used = true;
    if (issued.redirectUri !== redirectUri) return refuse('redirect_uri mismatch');
    if (issued.clientId !== client_id) return refuse('client_id mismatch');
    const challenge = base64url(
      createHash('sha256')
        .update(verifier ?? '')
        .digest(),
    );
    if (challenge !== issued.challenge) return refuse('code_verifier does not match');
    const accessToken = `fake-signin-access-${base64url(randomBytes(9))}`;
    byToken.set(accessToken, issued.account);
    return json({
      access_token: accessToken,
      refresh_token: issued.account.refreshToken,
      expires_in: 3599,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
    });
  };

  fake.route('GET', '/oauth2/v2/userinfo', (request) => {
    const account = accountOf(request);
    if (!account) return googleError(401, 'invalid credentials');
    if (account.userinfoStatus !== 200) return googleError(account.userinfoStatus, 'fake failure');
    return json({ id: '1', email: account.email, verified_email: true });
  });

  fake.route('POST', '/v1internal:loadCodeAssist', (request) => {
    const account = accountOf(request);
    if (!account) return googleError(401, 'invalid credentials');
    if (account.codeAssist === 'fail') return googleError(403, 'Code Assist is not enabled');
    if (account.codeAssist === 'current') {
      return json({
        currentTier: { id: 'free-tier' },
        cloudaicompanionProject: account.project,
        allowedTiers: [{ id: 'free-tier', isDefault: true }],
      });
    }
    return json({
      allowedTiers: [
        { id: 'legacy-tier', isDefault: false },
        { id: 'free-tier', isDefault: true },
      ],
    });
  });

  fake.route('POST', '/v1internal:onboardUser', (request) => {
    const account = accountOf(request);
    if (!account) return googleError(401, 'invalid credentials');
    if (account.codeAssist === 'fail') return googleError(403, 'Code Assist is not enabled');
    account.onboardCalls++;
    if (account.onboardCalls <= account.pendingPolls) {
      return json({ name: 'operations/fake-onboard', done: false });
    }
    return json({
      name: 'operations/fake-onboard',
      done: true,
      response: { cloudaicompanionProject: { id: account.project, name: account.project } },
    });
  });

  fake.route('GET', '/v1/projects', (request) => {
    const account = accountOf(request);
    if (!account) return googleError(401, 'invalid credentials');
    return json({
      projects: account.projects.map((p) => ({
        projectId: p.projectId,
        name: p.name ?? p.projectId,
        lifecycleState: p.lifecycleState ?? 'ACTIVE',
        projectNumber: '123',
      })),
    });
  });

  const service = /^\/v1\/projects\/([^/]+)\/services\/([^/:]+)(:enable)?$/;
  const serviceRoute = (request: RecordedRequest): FakeReply => {
    const account = accountOf(request);
    if (!account) return googleError(401, 'invalid credentials');
    const [, project, name, enable] = service.exec(request.path)!;
    const key = `${project}/${name}`;
    if (enable) {
      enabled.add(key);
      return json({ name: 'operations/fake-enable', done: true });
    }
    const on = enabled.has(key) || account.enabledServices.includes(key);
    return json({
      name: `projects/${project}/services/${name}`,
      state: on ? 'ENABLED' : 'DISABLED',
    });
  };
  fake.routePattern('GET', service, serviceRoute);
  fake.routePattern('POST', service, serviceRoute);

  return {
    add(options) {
      const user = options.email.split('@')[0];
      const account: FakeAccount = {
        email: options.email,
        refreshToken: options.refreshToken ?? `refresh-${options.email}`,
        accessToken: options.accessToken,
        codeAssist: options.codeAssist ?? 'current',
        project: options.project ?? `ca-${user}`,
        pendingPolls: options.pendingPolls ?? 1,
        projects: options.projects ?? [],
        enabledServices: options.enabledServices ?? [],
        userinfoStatus: options.userinfoStatus ?? 200,
        onboardCalls: 0,
      };
      accounts.set(account.email, account);
      if (account.accessToken) byToken.set(account.accessToken, account);
      current = account;
      return account;
    },
    signInAs(email) {
      current = accounts.get(email);
    },
    enabled,
    codes: issuedCodes,
  };
}
