import type { CredentialData, Namespace } from '../../storage/storage-backend.interface';

/** An installed-app OAuth client, as its app ships it publicly (its secret is not a secret). */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
}

const BASE_SCOPES = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
];

/** The Gemini CLI's own client: its `~/.gemini/oauth_creds.json` files were issued to it. */
export const GEMINI_CLI_CLIENT: OAuthClient = {
  clientId: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com',
  clientSecret: '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',
  scopes: BASE_SCOPES,
};

/** Antigravity's client, with its two extra scopes. */
export const ANTIGRAVITY_CLIENT: OAuthClient = {
  clientId: '1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com',
  clientSecret: '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',
  scopes: [
    ...BASE_SCOPES,
    'https://www.googleapis.com/auth/cclog',
    'https://www.googleapis.com/auth/experimentsandconfigs',
  ],
};

export const clientFor = (ns: Namespace): OAuthClient =>
  ns === 'antigravity' ? ANTIGRAVITY_CLIENT : GEMINI_CLI_CLIENT;

/** Google's consent screen; the browser goes there, never the gateway. */
export const AUTHORIZATION_URL = 'https://accounts.google.com/o/oauth2/auth';
/** What `token_uri` says in a credential the sign-in writes (refreshes use `oauth_proxy_url`). */
export const TOKEN_URI = 'https://oauth2.googleapis.com/token';

const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/**
 * The credential with the namespace's public client filled in when it names none: the Gemini
 * CLI writes `oauth_creds.json` without `client_id` and `client_secret`. A credential that names
 * its own client keeps it.
 */
export function withDefaultClient(ns: Namespace, data: CredentialData): CredentialData {
  if (!blank(data.client_id) || !blank(data.client_secret)) return data;
  const client = clientFor(ns);
  return { ...data, client_id: client.clientId, client_secret: client.clientSecret };
}
