import { redactSecrets, redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('masks the password of a URL and keeps the rest', () => {
    expect(redactUrl('redis://default:s3cret@host:6379/0')).toBe('redis://default:***@host:6379/0');
  });

  it('masks a user name that stands alone, as tokens often do', () => {
    expect(redactUrl('http://APITOKEN@proxy.example:3128')).toBe('http://***@proxy.example:3128/');
  });

  it('masks query parameters named like secrets', () => {
    expect(redactUrl('https://h.example/p?key=abc&mode=x')).toBe(
      'https://h.example/p?key=***&mode=x',
    );
  });

  it('masks URL passwords inside free text', () => {
    expect(redactSecrets('connect to postgres://u:pw@db:5432 failed')).toBe(
      'connect to postgres://u:***@db:5432 failed',
    );
  });
});
