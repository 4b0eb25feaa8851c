const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(:[^\s/@]*)?@/gi;

/**
 * Hides the password of a URL or DSN (`redis://default:***@host:6379`). Query parameters named
 * like secrets are masked too. Text that is not a URL is returned unchanged.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // A user name alone is often a token (`https://TOKEN@proxy`).
    else if (parsed.username) parsed.username = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString().replace('%2A%2A%2A', '***');
  } catch {
    return redactSecrets(url);
  }
}

/** Masks every `scheme://user:password@` found inside free text, such as a driver's error message. */
export function redactSecrets(text: string): string {
  return text.replace(URL_IN_TEXT, (_m, scheme: string, user: string, pass?: string) =>
    pass ? `${scheme}${user}:***@` : `${scheme}${user}@`,
  );
}

/** The passwords inside a URL, raw and decoded, so error texts can be scrubbed of both. */
export function secretsOf(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password ? [...new Set([password, decodeURIComponent(password)])] : [];
  } catch {
    return [];
  }
}
