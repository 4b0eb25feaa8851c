import { MAX_COOLDOWN_SECONDS, parseDuration, parseQuotaReset } from './quota-reset';

const NOW = Date.parse('2026-01-01T00:00:00Z') / 1000;

const errorInfo = (metadata: Record<string, unknown>) => ({
  error: {
    code: 429,
    status: 'RESOURCE_EXHAUSTED',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'QUOTA', metadata }],
  },
});

describe('parseQuotaReset', () => {
  it("reads ErrorInfo's quotaResetTimeStamp, from an object or from text", () => {
    const body = errorInfo({ quotaResetTimeStamp: '2026-01-01T01:30:00Z' });
    expect(parseQuotaReset(body, undefined, NOW)).toBe(NOW + 5400);
    expect(parseQuotaReset(JSON.stringify(body), undefined, NOW)).toBe(NOW + 5400);
    expect(parseQuotaReset([body], undefined, NOW)).toBe(NOW + 5400);
  });

  it('takes a timestamp without a zone as UTC and keeps fractions of a second', () => {
    const body = errorInfo({ quotaResetTimeStamp: '2026-01-01T00:00:10.250' });
    expect(parseQuotaReset(body, undefined, NOW)).toBeCloseTo(NOW + 10.25, 3);
  });

  it('prefers the timestamp to the delay', () => {
    const body = errorInfo({ quotaResetTimeStamp: '2026-01-01T00:01:00Z', quotaResetDelay: '5s' });
    expect(parseQuotaReset(body, undefined, NOW)).toBe(NOW + 60);
  });

  it.each([
    ['3.5s', 3.5],
    ['1h2m3s', 3723],
    ['500ms', 0.5],
    ['2m', 120],
  ])('reads a quotaResetDelay of %s', (delay, seconds) => {
    expect(parseQuotaReset(errorInfo({ quotaResetDelay: delay }), undefined, NOW)).toBeCloseTo(
      NOW + seconds,
      6,
    );
  });

  it("reads RetryInfo's retryDelay", () => {
    const body = {
      error: {
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '42s' }],
      },
    };
    expect(parseQuotaReset(body, undefined, NOW)).toBe(NOW + 42);
  });

  it('falls back to Retry-After in seconds or as an HTTP date, any header case', () => {
    expect(parseQuotaReset('not json', { 'Retry-After': '30' }, NOW)).toBe(NOW + 30);
    expect(parseQuotaReset({}, new Headers({ 'retry-after': '7' }), NOW)).toBe(NOW + 7);
    const date = 'Thu, 01 Jan 2026 00:02:00 GMT';
    expect(parseQuotaReset(undefined, { 'retry-after': date }, NOW)).toBe(NOW + 120);
  });

  it('gives nothing when the response does not say, or names a time already past', () => {
    expect(
      parseQuotaReset({ error: { code: 429, message: 'slow down' } }, {}, NOW),
    ).toBeUndefined();
    expect(parseQuotaReset(errorInfo({ quotaResetDelay: 'soon' }), {}, NOW)).toBeUndefined();
    const past = errorInfo({ quotaResetTimeStamp: '2025-12-31T23:59:00Z' });
    expect(parseQuotaReset(past, {}, NOW)).toBeUndefined();
  });

  it('does not believe a reset more than a week away', () => {
    const body = errorInfo({ quotaResetTimeStamp: '2099-01-01T00:00:00Z' });
    expect(parseQuotaReset(body, undefined, NOW)).toBe(NOW + MAX_COOLDOWN_SECONDS);
  });
});

describe('parseDuration', () => {
  it('reads Go and protobuf durations', () => {
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('250us')).toBeCloseTo(0.00025, 9);
    expect(parseDuration({ seconds: '3', nanos: 500_000_000 })).toBe(3.5);
    expect(parseDuration(12)).toBe(12);
  });

  it('refuses what is not a duration', () => {
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('3 s')).toBeUndefined();
    expect(parseDuration('-3s')).toBeUndefined();
    expect(parseDuration(null)).toBeUndefined();
  });
});
