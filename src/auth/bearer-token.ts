/** What an `Authorization` header holds. */
export type BearerToken =
  { kind: 'missing' } | { kind: 'wrong-scheme' } | { kind: 'token'; token: string };

/** Reads `Authorization: Bearer <token>` (scheme case-insensitive, as RFC 7235 says). */
export function bearerToken(header: string | string[] | undefined): BearerToken {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return { kind: 'missing' };
  const match = /^Bearer[ \t]+(\S.*)$/i.exec(value.trim());
  return match ? { kind: 'token', token: match[1].trim() } : { kind: 'wrong-scheme' };
}
