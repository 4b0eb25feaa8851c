import { type Dispatcher, fetch, type Response } from 'undici';
import { redactSecrets } from '../../common/redact-url';
/** Google answers within this, or the refresh counts as a temporary failure (milliseconds). */
export const TOKEN_TIMEOUT_MS = 30_000;

/** OAuth `error` codes that mean the refresh token will never work again. */
const PERMANENT_ERRORS = new Set([
  'invalid_grant',
  'invalid_client',
  'unauthorized_client',
  'access_denied',
  'refresh_token_expired',
  'invalid_refresh_token',
]);

export interface TokenGrant {
  accessToken: string;
  /** Seconds the access token is valid for; 3600 when the endpoint does not say. */
  expiresIn: number;
  /** A rotated refresh token, when the endpoint returned one. */
  refreshToken?: string;
}

/** Why a refresh failed, with no token in it. */
export interface TokenFailure {
  permanent: boolean;
  status?: number;
  oauthError?: string;
  /** For log lines and error messages. */
  description: string;
}

export interface RefreshRequest {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/**
 * POSTs a `refresh_token` grant, form-encoded, to `${baseUrl}/token` through `dispatcher` (the
 * gateway's upstream pool, with its proxy) or undici's global one, under TOKEN_TIMEOUT_MS. Never throws: the answer is a grant or a
 * failure classified as permanent (HTTP 400/401/403 or an error code such as `invalid_grant`)
 * or temporary (429, 5xx, network errors, timeouts, an unreadable answer).
 */
export async function requestToken(
  baseUrl: string,
  request: RefreshRequest,
  dispatcher?: Dispatcher,
): Promise<{ grant: TokenGrant } | { failure: TokenFailure }> {
  let response: Response;
  let body: Record<string, unknown>;
  try {
    response = await fetch(`${baseUrl}/token`, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        client_id: request.clientId,
        client_secret: request.clientSecret,
        refresh_token: request.refreshToken,
        grant_type: 'refresh_token',
      }),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
    body = await readJson(response);
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    const description = timedOut
      ? `no answer within ${TOKEN_TIMEOUT_MS / 1000} s`
      : `network error (${redactSecrets((err as Error).message)})`;
    return { failure: { permanent: false, description } };
  }
  const status = response.status;
  const oauthError =
    typeof body.error === 'string' ? body.error.replace(/[^\w.-]/g, '').slice(0, 64) : undefined;
  const accessToken = body.access_token;
  if (response.ok && oauthError === undefined && typeof accessToken === 'string' && accessToken) {
    const expiresIn = Number(body.expires_in);
    const refreshToken = body.refresh_token;
    return {
      grant: {
        accessToken,
        expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
        ...(typeof refreshToken === 'string' && refreshToken ? { refreshToken } : {}),
      },
    };
  }
  const permanent =
    [400, 401, 403].includes(status) ||
    (oauthError !== undefined && PERMANENT_ERRORS.has(oauthError));
  const description =
    `HTTP ${status}` +
    (oauthError ? ` ${oauthError}` : response.ok ? ' without an access token' : '');
  return { failure: { permanent, status, oauthError, description } };
}

async function readJson(response: { text(): Promise<string> }): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
