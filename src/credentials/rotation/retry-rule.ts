/**
 * The one rule for whether a failed upstream call may be tried again with another credential,
 * read by CredentialRotation.recordFailure (which ends the credential's turn) and obeyed by the
 * model caller. Another credential can help when the failure belongs to the credential or is
 * passing: a network error or timeout (no status), 429 (quota), 5xx, 401 (its token is dead) and
 * 403 (this account may not use the project or model). Any other status says the request itself
 * is at fault (400, 404, 413, ...), so every credential would fail the same way; retrying would
 * only stamp that error on healthy credentials (the Python original's weak spot) and, with 400
 * in the auto-ban list, disable them.
 *
 * @param status the upstream HTTP status; `undefined` or 0 for a network error or timeout
 */
export function retriesWithAnotherCredential(status: number | undefined): boolean {
  if (status === undefined || status === 0) return true;
  return status === 401 || status === 403 || status === 429 || status >= 500;
}
