const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
/** A reset further out than this is not believed: it is clamped here (unix seconds from now). */
export const MAX_COOLDOWN_SECONDS = 7 * 24 * 3600;

const UNIT_SECONDS: Record<string, number> = {
  h: 3600,
  m: 60,
  s: 1,
  ms: 1e-3,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ns: 1e-9,
};

/** Response headers as fetch returns them, or a plain (case-insensitive) record. */
export type HeaderSource =
  { get(name: string): string | null } | Record<string, string | string[] | number | undefined>;

/**
 * When a 429'd credential may be used again for the same model, in unix seconds, or `undefined`
 * when the response does not say. Read in this order: Google's `ErrorInfo`
 * `metadata.quotaResetTimeStamp` (ISO), its `metadata.quotaResetDelay` ("3.5s", "1h2m3s",
 * "500ms"), a `RetryInfo` `retryDelay`, then a `Retry-After` header (seconds or an HTTP date).
 * Times already past give `undefined`; times beyond MAX_COOLDOWN_SECONDS are clamped to it.
 *
 * @param body the error body, parsed or as text (an array of errors counts by its first one)
 * @param now unix seconds; defaults to the current time
 */
export function parseQuotaReset(
  body: unknown,
  headers?: HeaderSource,
  now = Date.now() / 1000,
): number | undefined {
  const details = errorDetails(body);
  const info = details.find((d) => d['@type'] === ERROR_INFO)?.metadata as
    Record<string, unknown> | undefined;
  const retry = details.find((d) => d['@type'] === RETRY_INFO);
  const candidates = [
    () => parseTimestamp(info?.quotaResetTimeStamp),
    () => plus(now, parseDuration(info?.quotaResetDelay)),
    () => plus(now, parseDuration(retry?.retryDelay)),
    () => parseRetryAfter(header(headers, 'retry-after'), now),
  ];
  for (const candidate of candidates) {
    const until = candidate();
    if (until === undefined) continue;
    return until > now ? Math.min(until, now + MAX_COOLDOWN_SECONDS) : undefined;
  }
  return undefined;
}

/**
 * Seconds in a Go/protobuf-style duration: "3.5s", "1h2m3s", "500ms", "250us", a bare number of
 * seconds, or a protobuf `{seconds, nanos}` object; `undefined` when it is none of these.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (value && typeof value === 'object') {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const total = Number(seconds ?? 0) + Number(nanos ?? 0) / 1e9;
    return seconds === undefined && nanos === undefined ? undefined : parseDuration(total);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const part = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|μs|ns)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const match = part.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_SECONDS[match[2]];
    at = part.lastIndex;
  }
  return text.length > 0 ? total : undefined;
}

function errorDetails(body: unknown): Array<Record<string, unknown>> {
  let parsed = body;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return [];
    }
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  const details = (parsed as { error?: { details?: unknown } } | null)?.error?.details;
  return Array.isArray(details)
    ? details.filter((d): d is Record<string, unknown> => !!d && typeof d === 'object')
    : [];
}

/** An ISO time (UTC when it has no zone) in unix seconds. */
function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value.trim())) return undefined;
  const text = value.trim();
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return now + Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function plus(now: number, seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : now + seconds;
}

function header(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | number | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value === undefined ? undefined : String(value);
}
