import { secondsToMillis } from './millis';

describe('secondsToMillis', () => {
  it('gives whole milliseconds for fractional seconds, which undici requires', () => {
    expect(secondsToMillis(16.1)).toBe(16_100);
    expect(secondsToMillis(1.005)).toBe(1_005);
    expect(secondsToMillis(0.1)).toBe(100);
    expect(secondsToMillis(3600)).toBe(3_600_000);
    for (let tenths = 1; tenths <= 36_000; tenths++) {
      expect(Number.isInteger(secondsToMillis(tenths / 10))).toBe(true);
    }
  });

  it('keeps a tiny positive value a timeout (at least 1 ms) and 0 as none', () => {
    expect(secondsToMillis(0.0001)).toBe(1);
    expect(secondsToMillis(0)).toBe(0);
  });
});
