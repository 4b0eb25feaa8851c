/**
 * The text of an error body. Admin routes answer `{message}` (a string, or a list of strings from
 * validation) and, for drop-in compatibility with the Python panel, may answer `{detail}` instead.
 */
export function messageOf(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const { message, detail } = body as { message?: unknown; detail?: unknown };
    for (const value of [message, detail]) {
      if (typeof value === 'string' && value) return value;
      if (Array.isArray(value) && value.length) return value.map(String).join('; ');
    }
  }
  return fallback;
}
