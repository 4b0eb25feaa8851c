import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('lets a client fail five times a minute, then makes it wait for the oldest failure to age out', () => {
    const throttle = new LoginThrottle(5, 60_000, 100, clock);
    for (let i = 0; i < 5; i++) {
      expect(throttle.retryAfter('a')).toBe(0);
      throttle.fail('a');
      now += 1000;
    }
    expect(throttle.retryAfter('a')).toBe(55);
    now += 54_000;
    expect(throttle.retryAfter('a')).toBe(1);
    now += 1000;
    expect(throttle.retryAfter('a')).toBe(0);
  });

  it('keeps clients apart', () => {
    const throttle = new LoginThrottle(2, 60_000, 100, clock);
    throttle.fail('a');
    throttle.fail('a');
    expect(throttle.retryAfter('a')).toBeGreaterThan(0);
    expect(throttle.retryAfter('b')).toBe(0);
  });

  it('forgets a client after a successful login', () => {
    const throttle = new LoginThrottle(2, 60_000, 100, clock);
    throttle.fail('a');
    throttle.succeed('a');
    throttle.fail('a');
    expect(throttle.retryAfter('a')).toBe(0);
  });

  it('tracks at most maxClients clients, forgetting the least recently failing first', () => {
    const throttle = new LoginThrottle(1, 60_000, 3, clock);
    for (const client of ['a', 'b', 'c', 'd']) throttle.fail(client);
    expect(throttle.retryAfter('a')).toBe(0);
    for (const client of ['b', 'c', 'd']) expect(throttle.retryAfter(client)).toBeGreaterThan(0);
  });
});
