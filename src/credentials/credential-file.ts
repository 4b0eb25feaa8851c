import type { CredentialData } from '../storage/storage-backend.interface';
import { jsonSyntaxReason } from '../common/raw-json';
import { BIDI_CONTROLS, CONTROL_CHARS } from '../common/unsafe-chars';

/** Longest credential name, in UTF-8 bytes (a common file-system limit). */
export const MAX_NAME_BYTES = 255;

/** Deepest nesting of objects and arrays accepted inside a credential. */
export const MAX_CREDENTIAL_DEPTH = 32;

export type ParsedCredential = { ok: true; data: CredentialData } | { ok: false; reason: string };

/**
 * Checks that `name` is a safe credential name: a plain file name ending in `.json` (any case),
 * never a path. Returns `null` when it is, otherwise the reason it is not. Names are never
 * rewritten: a caller rejects what fails here.
 */
export function validateCredentialName(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'the name is empty';
  if (name.includes('/') || name.includes('\\')) return 'the name must not contain / or \\';
  if (name.includes('..')) return 'the name must not contain ..';
  if (CONTROL_CHARS.test(name)) return 'the name must not contain control characters';
  if (BIDI_CONTROLS.test(name)) {
    return 'the name must not contain bidirectional text controls (U+202A-U+202E, U+2066-U+2069, ...)';
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    return `the name is longer than ${MAX_NAME_BYTES} bytes`;
  }
  if (!/\.json$/i.test(name)) return 'the name must end with .json';
  if (name.length === '.json'.length) return 'the name has nothing before .json';
  return null;
}

/**
 * Validates one credential (already parsed JSON) and returns a normalised copy: it must be a
 * JSON object with a non-empty string `refresh_token`. `quota_project_id` fills a missing
 * `project_id`, and `token`/`access_token` are mirrored so that both exist when either does.
 * Every other field is kept as given. Reasons never quote the credential's values.
 */
export function parseCredential(json: unknown): ParsedCredential {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, reason: `not a JSON object (found ${kindOf(json)})` };
  }
  const source = json as Record<string, unknown>;
  if (!('refresh_token' in source)) return { ok: false, reason: 'missing refresh_token' };
  if (typeof source.refresh_token !== 'string' || source.refresh_token.trim() === '') {
    return { ok: false, reason: 'refresh_token must be a non-empty string' };
  }
  const unstorable = unstorableReason(source);
  if (unstorable) return { ok: false, reason: unstorable };

  const data: CredentialData = { ...source };
  if (isMissing(data.project_id) && !isMissing(data.quota_project_id)) {
    data.project_id = data.quota_project_id;
  }
  if (isMissing(data.access_token) && !isMissing(data.token)) data.access_token = data.token;
  if (isMissing(data.token) && !isMissing(data.access_token)) data.token = data.access_token;
  return { ok: true, data };
}

/**
 * Parses the text of a credential file (a leading byte-order mark is ignored) and validates it
 * with {@link parseCredential}. A syntax error is reported by position, never by quoting the text.
 */
export function parseCredentialJson(text: string): ParsedCredential {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return { ok: false, reason: jsonSyntaxReason(err) };
  }
  return parseCredential(json);
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * What every storage backend refuses (NUL characters, numbers JSON cannot hold such as `1e400`,
 * very deep nesting), found up front.
 */
function unstorableReason(root: object): string | null {
  const pending: Array<[unknown, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return 'a value contains a NUL character';
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return 'a number is too large to store (e.g. 1e400)';
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_CREDENTIAL_DEPTH) {
      return `nested deeper than ${MAX_CREDENTIAL_DEPTH} levels`;
    }
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\0')) return 'a key contains a NUL character';
      pending.push([item, depth + 1]);
    }
  }
  return null;
}
