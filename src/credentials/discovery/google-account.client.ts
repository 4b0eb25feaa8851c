import { arch, platform } from 'node:os';
import { Injectable } from '@nestjs/common';
import { request } from 'undici';
import { redactSecrets } from '../../common/redact-url';
import { SettingsService } from '../../config/settings.service';
import type { Namespace } from '../../storage/storage-backend.interface';
import { UpstreamHttp } from '../../upstream/upstream-http.service';
import type { OAuthClient } from './oauth-clients';

/** Every account call answers within this, or counts as failed (milliseconds). */
const CALL_TIMEOUT_MS = 30_000;

const USER_AGENT: Record<Namespace, string> = {
  geminicli: `GeminiCLI/0.1.5 (${platform()}; ${arch()})`,
  antigravity: 'antigravity/1.11.3 windows/amd64',
};

/** A Google call that failed; the message names the call and never carries a token. */
export class GoogleCallError extends Error {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`${call} failed: ${detail}`);
    this.name = 'GoogleCallError';
  }
}

/** What the authorization-code grant returned. */
export interface CodeGrant {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
  scope?: string;
}

type Json = Record<string, unknown>;

/**
 * The account-level Google calls of sign-in and discovery, through the gateway's upstream pool
 * (proxy, timeouts) and at the configured URLs: the code exchange (`oauth_proxy_url`), user info
 * (`googleapis_proxy_url`), Code Assist's `loadCodeAssist`/`onboardUser` (`code_assist_endpoint`
 * or `antigravity_api_url`), projects (`resource_manager_api_url`) and services
 * (`service_usage_api_url`).
 */
@Injectable()
export class GoogleAccountClient {
  constructor(
    private readonly settings: SettingsService,
    private readonly http: UpstreamHttp,
  ) {}

  /** Exchanges an authorization code (PKCE) for tokens. */
  async exchangeCode(
    client: OAuthClient,
    grant: { code: string; verifier: string; redirectUri: string },
  ): Promise<CodeGrant> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: grant.code,
      code_verifier: grant.verifier,
      redirect_uri: grant.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    const url = `${this.settings.get('oauth_proxy_url')}/token`;
    const answer = await this.call('the code exchange', url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    const { access_token, refresh_token, expires_in, scope } = answer;
    if (typeof access_token !== 'string' || typeof refresh_token !== 'string') {
      throw new GoogleCallError(
        'the code exchange',
        200,
        'Google returned no refresh token; sign in again (consent must be given)',
      );
    }
    const seconds = Number(expires_in);
    return {
      accessToken: access_token,
      refreshToken: refresh_token,
      expiresIn: Number.isFinite(seconds) && seconds > 0 ? seconds : 3600,
      ...(typeof scope === 'string' ? { scope } : {}),
    };
  }

  /** The account's e-mail address (userinfo). */
  async email(accessToken: string): Promise<string> {
    const url = `${this.settings.get('googleapis_proxy_url')}/oauth2/v2/userinfo`;
    const answer = await this.call('user info', url, { method: 'GET', token: accessToken });
    if (typeof answer.email !== 'string' || !answer.email) {
      throw new GoogleCallError('user info', 200, 'no e-mail address in the answer');
    }
    return answer.email;
  }

  /** `v1internal:<method>` of Code Assist (or antigravity's endpoint) with a JSON body. */
  codeAssist(ns: Namespace, method: string, accessToken: string, body: Json): Promise<Json> {
    const base = this.settings.get(
      ns === 'antigravity' ? 'antigravity_api_url' : 'code_assist_endpoint',
    );
    return this.call(method, `${base}/v1internal:${method}`, {
      method: 'POST',
      token: accessToken,
      userAgent: USER_AGENT[ns],
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }

  /** Resource Manager's project list. */
  async projects(accessToken: string): Promise<Json[]> {
    const url = `${this.settings.get('resource_manager_api_url')}/v1/projects`;
    const answer = await this.call('the project list', url, { method: 'GET', token: accessToken });
    return Array.isArray(answer.projects) ? (answer.projects as Json[]) : [];
  }

  /** Whether `service` is enabled in `project` (Service Usage). */
  async serviceEnabled(accessToken: string, project: string, service: string): Promise<boolean> {
    const answer = await this.call(`reading ${service}`, this.serviceUrl(project, service), {
      method: 'GET',
      token: accessToken,
    });
    return answer.state === 'ENABLED';
  }

  /** Enables `service` in `project` (Service Usage). */
  async enableService(accessToken: string, project: string, service: string): Promise<void> {
    await this.call(`enabling ${service}`, `${this.serviceUrl(project, service)}:enable`, {
      method: 'POST',
      token: accessToken,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  }

  private serviceUrl(project: string, service: string) {
    const base = this.settings.get('service_usage_api_url');
    return `${base}/v1/projects/${encodeURIComponent(project)}/services/${encodeURIComponent(service)}`;
  }

  private async call(
    what: string,
    url: string,
    options: {
      method: 'GET' | 'POST';
      token?: string;
      userAgent?: string;
      headers?: Record<string, string>;
      body?: string;
    },
  ): Promise<Json> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    let status: number;
    let text: string;
    try {
      const response = await request(url, {
        method: options.method,
        headers,
        body: options.body,
        dispatcher: this.http.dispatcher(),
        headersTimeout: CALL_TIMEOUT_MS,
        bodyTimeout: CALL_TIMEOUT_MS,
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      const detail = timedOut
        ? `no answer within ${CALL_TIMEOUT_MS / 1000} s`
        : `network error (${redactSecrets((err as Error).message)})`;
      throw new GoogleCallError(what, undefined, detail);
    }
    const json = parseObject(text);
    if (status >= 200 && status < 300) return json;
    throw new GoogleCallError(what, status, `HTTP ${status}${reasonOf(json)}`);
  }
}

function parseObject(text: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
  } catch {
    return {};
  }
}

/** Google's short reason (an OAuth error code or an API error message), without any token. */
function reasonOf(json: Json): string {
  const error = json.error;
  if (typeof error === 'string') return ` ${error.replace(/[^\w.-]/g, '').slice(0, 64)}`;
  const message = (error as Json | undefined)?.message;
  return typeof message === 'string' ? ` (${redactSecrets(message).slice(0, 200)})` : '';
}
