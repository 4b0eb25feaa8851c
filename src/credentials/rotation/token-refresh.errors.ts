import type { Namespace } from '../../storage/storage-backend.interface';

export interface CredentialRefreshFailure {
  ns: Namespace;
  /** The credential's name. */
  credential: string;
  /**
   * True when retrying cannot help (revoked or invalid refresh token, no refresh token, the
   * credential is gone): the credential has been disabled. False for timeouts, network errors,
   * 429 and 5xx: another credential should be tried and this one again later.
   */
  permanent: boolean;
  /** The token endpoint's HTTP status, when it answered. */
  status?: number;
  /** The OAuth `error` code it returned (`invalid_grant`, ...), when it gave one. */
  oauthError?: string;
}

/** An access token could not be obtained for a credential; the message says what to do. */
export class CredentialRefreshError extends Error implements CredentialRefreshFailure {
  readonly ns: Namespace;
  readonly credential: string;
  readonly permanent: boolean;
  readonly status?: number;
  readonly oauthError?: string;

  /**
   * @param cause what went wrong, without any token in it
   * @param advice what to do; by default what a permanent or temporary failure calls for
   */
  constructor(failure: CredentialRefreshFailure, cause: string, advice?: string) {
    advice ??= failure.permanent
      ? 'the credential was disabled; re-authorise the account and upload the credential again'
      : 'another credential will be used; this one is retried later';
    super(
      `Cannot refresh the access token of credential ${failure.credential}: ${cause}; ${advice}`,
    );
    this.name = 'CredentialRefreshError';
    this.ns = failure.ns;
    this.credential = failure.credential;
    this.permanent = failure.permanent;
    this.status = failure.status;
    this.oauthError = failure.oauthError;
  }
}
