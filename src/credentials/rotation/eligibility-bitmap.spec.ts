import { EligibilityBitmap } from './eligibility-bitmap';

describe('EligibilityBitmap', () => {
  it('finds the next member, wrapping, across word and summary boundaries', () => {
    const bitmap = new EligibilityBitmap(5000);
    for (const i of [0, 31, 32, 1023, 1024, 4999]) bitmap.add(i);
    expect(bitmap.count).toBe(6);
    expect([1, 32, 33, 1024, 1025, 5000].map((i) => bitmap.next(i))).toEqual([
      31, 32, 1023, 1024, 4999, 0,
    ]);
    bitmap.delete(0);
    expect(bitmap.next(4999 + 1)).toBe(31);
  });

  it('answers -1 at once when empty, and ignores positions out of range', () => {
    const bitmap = EligibilityBitmap.full(70);
    for (let i = 0; i < 70; i++) bitmap.delete(i);
    bitmap.add(70);
    bitmap.add(-1);
    expect(bitmap.count).toBe(0);
    expect(bitmap.next(0)).toBe(-1);
  });

  it('matches a plain set on random operations', () => {
    const size = 3000;
    const bitmap = new EligibilityBitmap(size);
    const set = new Set<number>();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % size;
    for (let step = 0; step < 20_000; step++) {
      const i = random();
      if (step % 3 === 0) {
        bitmap.delete(i);
        set.delete(i);
      } else {
        bitmap.add(i);
        set.add(i);
      }
      const from = random();
      const sorted = [...set].sort((a, b) => a - b);
      const expected = sorted.find((x) => x >= from) ?? sorted[0] ?? -1;
      if (step % 97 === 0) expect(bitmap.next(from)).toBe(expected);
    }
    expect(bitmap.count).toBe(set.size);
    expect(bitmap.clone().next(0)).toBe(Math.min(...set));
  });
});
