import { accessTokenOf, expiryOf, needsRefresh, projectIdOf } from './credential-token';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const inSeconds = (s: number) => new Date(NOW + s * 1000).toISOString();

describe('needsRefresh', () => {
  it('keeps a token with more than 5 minutes left', () => {
    expect(needsRefresh({ token: 'a', expiry: inSeconds(301) }, NOW)).toBe(false);
    expect(needsRefresh({ access_token: 'a', expiry: inSeconds(3000) }, NOW)).toBe(false);
  });

  it('refreshes a missing token, a missing or unreadable expiry, or under 5 minutes left', () => {
    expect(needsRefresh({ expiry: inSeconds(3000) }, NOW)).toBe(true);
    expect(needsRefresh({ token: '', expiry: inSeconds(3000) }, NOW)).toBe(true);
    expect(needsRefresh({ token: 'a' }, NOW)).toBe(true);
    expect(needsRefresh({ token: 'a', expiry: 'tomorrow' }, NOW)).toBe(true);
    expect(needsRefresh({ token: 'a', expiry: inSeconds(299) }, NOW)).toBe(true);
  });
});

describe('expiryOf', () => {
  it('reads Python-style naive UTC times with microseconds', () => {
    expect(expiryOf({ expiry: '2026-01-01T00:10:00.123456' })).toBe(NOW + 600_123);
    expect(expiryOf({ expiry: '2026-01-01 00:10:00+00:00' })).toBe(NOW + 600_000);
  });

  it('reads unix seconds and milliseconds', () => {
    expect(expiryOf({ expiry: NOW / 1000 })).toBe(NOW);
    expect(expiryOf({ expiry: NOW })).toBe(NOW);
  });
});

describe('credential fields', () => {
  it('prefers token to access_token and project_id to quota_project_id', () => {
    expect(accessTokenOf({ token: 't', access_token: 'a' })).toBe('t');
    expect(accessTokenOf({ access_token: 'a' })).toBe('a');
    expect(projectIdOf({ quota_project_id: 'q' })).toBe('q');
    expect(projectIdOf({ project_id: 'p', quota_project_id: 'q' })).toBe('p');
    expect(projectIdOf({})).toBeNull();
  });
});
