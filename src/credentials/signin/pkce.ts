import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636, S256): the verifier stays with the gateway, the challenge goes to Google. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An unguessable sign-in `state`: random, nothing derived from any password. */
export function newState(): string {
  return randomBytes(24).toString('base64url');
}
