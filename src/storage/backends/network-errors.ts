/**
 * Node's own socket error codes, which every driver passes through when the server cannot be
 * reached or the connection drops.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** The error's `code` when it is a string (drivers put SQLSTATEs, errno names and more there). */
export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `true` for a socket-level error: refused, reset, timed out, unknown host, broken pipe. */
export function isNetworkError(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && NETWORK_CODES.has(code);
}
