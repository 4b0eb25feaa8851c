import type {
  CredentialData,
  Namespace,
  CredentialStore,
} from '../../storage/storage-backend.interface';
import type { CodeGrant } from '../discovery/google-account.client';
import { type OAuthClient, TOKEN_URI } from '../discovery/oauth-clients';

export interface SignedIn {
  ns: Namespace;
  client: OAuthClient;
  grant: CodeGrant;
  email: string;
  projectId: string;
  /** Clock milliseconds. */
  nowMs: number;
}

/**
 * The credential file a sign-in produces, in the shape the Gemini CLI and gcli2api write
 * (google-auth's "authorized user" plus `project_id`).
 */
export function signedInCredential(s: SignedIn): CredentialData {
  return {
    client_id: s.client.clientId,
    client_secret: s.client.clientSecret,
    token: s.grant.accessToken,
    refresh_token: s.grant.refreshToken,
    scopes: [...s.client.scopes],
    token_uri: TOKEN_URI,
    project_id: s.projectId,
    expiry: new Date(s.nowMs + s.grant.expiresIn * 1000).toISOString(),
  };
}

/**
 * Stores a signed-in credential under `<project>-<unix seconds>.json` (`ag_` first for
 * antigravity; characters a file name cannot hold become `_`), with its e-mail, and returns the
 * name. An existing name is never overwritten: a suffix is added.
 */
export async function storeSignedIn(storage: CredentialStore, s: SignedIn): Promise<string> {
  const project = s.projectId
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/\.\./g, '_')
    .slice(0, 180);
  const stem = `${s.ns === 'antigravity' ? 'ag_' : ''}${project}-${Math.floor(s.nowMs / 1000)}`;
  let name = `${stem}.json`;
  for (let n = 2; (await storage.getCredential(s.ns, name)) !== null; n++)
    name = `${stem}-${n}.json`;
  await storage.upsertCredential(s.ns, name, signedInCredential(s));
  await storage.updateState(s.ns, name, { userEmail: s.email });
  return name;
}
