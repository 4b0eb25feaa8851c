import type { CredentialProblem } from '../storage/storage-backend.interface';

/**
 * The problems the gateway records on a credential (its state's `problem`), each with what a
 * person should do:
 * - `no_project`: no Google Cloud project is known; discovery is retried on use and by
 *   verify-project, or give the project id.
 * - `refresh_failed`: the token endpoint failed for a while (network, 5xx, 429); retried.
 * - `needs_reauth`: Google refused the refresh token (revoked, expired): sign in again.
 * - `auto_banned`: disabled by auto-ban after a listed status code; probed and re-enabled by the
 *   recovery job when it works again.
 */
export const PROBLEM_CODES = [
  'no_project',
  'refresh_failed',
  'needs_reauth',
  'auto_banned',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** A problem recorded now (`nowMs`, clock milliseconds). */
export function problemOf(code: ProblemCode, message: string, nowMs: number): CredentialProblem {
  return { code, message: message.slice(0, 1000), at: Math.floor(nowMs / 1000) };
}

/** Problems a credential is disabled for by the gateway, which the recovery job may lift. */
export const RECOVERABLE_DISABLES: readonly string[] = ['auto_banned', 'refresh_failed'];
