import type { ApiFlavor } from '../api/api-error';
import type { ApiKeyStyle } from './auth.decorators';
import { bearerToken } from './bearer-token';
import { sameSecret } from './same-secret';

/** The parts of a request the API key check reads. */
export interface ApiKeyRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
}

export type ApiKeyVerdict =
  | { ok: true; flavor: ApiFlavor }
  | { ok: false; flavor: ApiFlavor; status: 401 | 403; message: string; code: string };

const first = (value: unknown) => (Array.isArray(value) ? (value[0] as unknown) : value);

/** The Gemini-style key of a request: `?key=` or `x-goog-api-key`, if any. */
function geminiKey(req: ApiKeyRequest): string | undefined {
  const fromQuery = first(req.query.key);
  if (typeof fromQuery === 'string' && fromQuery !== '') return fromQuery;
  const fromHeader = first(req.headers['x-goog-api-key']);
  return typeof fromHeader === 'string' && fromHeader !== '' ? fromHeader : undefined;
}

/** Verdicts already given for a request: the body parser and the guard both ask. */
const given = new WeakMap<
  object,
  { style: ApiKeyStyle; expected: string; verdict: ApiKeyVerdict }
>();

/**
 * Checks the API password the way the route's style takes it: 401 when no key was sent (or
 * not as Bearer), 403 when the key is wrong. `dual` routes answer as Gemini when a Gemini-style
 * key is present, else as OpenAI. Asked again for the same request, it answers from memory.
 */
export function checkApiKey(
  req: ApiKeyRequest,
  style: ApiKeyStyle,
  expected: string,
): ApiKeyVerdict {
  const known = given.get(req);
  if (known?.style === style && known.expected === expected) return known.verdict;
  const verdict = verdictOf(req, style, expected);
  given.set(req, { style, expected, verdict });
  return verdict;
}

/** Anthropic's `x-api-key` header, if any. */
function anthropicKey(req: ApiKeyRequest): string | undefined {
  const header = first(req.headers['x-api-key']);
  return typeof header === 'string' && header !== '' ? header : undefined;
}

function flavorOf(req: ApiKeyRequest, style: ApiKeyStyle): ApiFlavor {
  if (style === 'dual') return geminiKey(req) ? 'gemini' : 'openai';
  return style;
}

const MISSING: Record<ApiFlavor, string> = {
  openai: 'Missing API key: send Authorization: Bearer <API password>',
  gemini: 'Missing API key: send x-goog-api-key, ?key= or Authorization: Bearer',
  anthropic: 'Missing API key: send x-api-key or Authorization: Bearer',
};

function verdictOf(req: ApiKeyRequest, style: ApiKeyStyle, expected: string): ApiKeyVerdict {
  const flavor = flavorOf(req, style);
  let presented =
    flavor === 'gemini' ? geminiKey(req) : flavor === 'anthropic' ? anthropicKey(req) : undefined;
  if (presented === undefined) {
    const bearer = bearerToken(req.headers.authorization);
    if (bearer.kind !== 'token') {
      const message =
        bearer.kind === 'missing'
          ? MISSING[flavor]
          : 'Invalid authentication scheme: use Authorization: Bearer <API password>';
      return { ok: false, flavor, status: 401, message, code: 'missing_api_key' };
    }
    presented = bearer.token;
  }
  if (!sameSecret(presented, expected)) {
    return { ok: false, flavor, status: 403, message: 'Invalid API key', code: 'invalid_api_key' };
  }
  return { ok: true, flavor };
}
