/** Field names whose values are secrets: replaced before any log line is written. */
const SECRET_KEY =
  /^(authorization|cookie|password|passwd|secret|client_secret|token|access_token|refresh_token|id_token|api_key|apikey|key|x-goog-api-key)$/i;

/** What a secret field's value becomes in a log line. */
export const REDACTED = '[redacted]';

/** A log event's own fields, with secrets replaced and nested objects walked (two levels). */
export function redactFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (SECRET_KEY.test(key)) out[key] = REDACTED;
    else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 2) {
      out[key] = redactFields(value as Record<string, unknown>, depth + 1);
    } else out[key] = value;
  }
  return out;
}

/** `key=value` pairs for a text line; values with spaces or quotes are JSON-quoted. */
export function textFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return `${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
    })
    .join(' ');
}
