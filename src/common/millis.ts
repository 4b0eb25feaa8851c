/**
 * Seconds as whole milliseconds, the unit timers and undici take (undici refuses a fraction:
 * `16.1 * 1000` is `16100.000000000002`). Rounded to the nearest millisecond, but never down to
 * 0 from a positive value: 0 means "no timeout" to undici.
 */
export function secondsToMillis(seconds: number): number {
  if (!(seconds > 0)) return 0;
  return Math.max(1, Math.round(seconds * 1000));
}
