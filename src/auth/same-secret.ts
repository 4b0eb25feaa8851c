import { createHash, hash, timingSafeEqual } from 'node:crypto';

/** One-shot SHA-256: no Hash object per request (the API key is checked on every model call). */
const digest = (text: string) => hash('sha256', text, 'buffer');

/**
 * Compares a presented secret with the expected one in constant time. Both are hashed first, so
 * neither the content nor the length of the expected secret shows in the timing.
 */
export function sameSecret(presented: string, expected: string): boolean {
  if (expected !== lastExpected.text) lastExpected = { text: expected, digest: digest(expected) };
  return timingSafeEqual(digest(presented), lastExpected.digest);
}

/** The expected secret rarely changes: its digest is kept, not recomputed per request. */
let lastExpected = { text: '', digest: digest('') };

/** Hex SHA-256 of `parts` joined by newlines: a lookup key that does not reveal its input. */
export function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n'), 'utf8').digest('hex');
}
