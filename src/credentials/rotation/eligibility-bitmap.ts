/** Index of the lowest set bit of a non-zero 32-bit word. */
const lowestBit = (word: number) => 31 - Math.clz32(word & -word);

/**
 * A fixed-size set of positions with a one-bit-per-word summary on top, so that "the next member
 * at or after i" inspects at most one word per 1,024 positions (10 words for 10,000 credentials)
 * and an empty set answers at once from `count`.
 */
export class EligibilityBitmap {
  private readonly words: Uint32Array;
  /** Bit w is set when words[w] is not zero. */
  private readonly summary: Uint32Array;
  /** How many positions are members. */
  count = 0;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
    this.summary = new Uint32Array(Math.ceil(this.words.length / 32));
  }

  /** A bitmap with every position from 0 to `size - 1` set. */
  static full(size: number): EligibilityBitmap {
    // Whole words at once: a reload of 100,000 credentials builds one of these.
    const bitmap = new EligibilityBitmap(size);
    bitmap.words.fill(0xffffffff);
    if (size % 32 !== 0) bitmap.words[bitmap.words.length - 1] = 0xffffffff >>> (32 - (size % 32));
    const words = bitmap.words.length;
    bitmap.summary.fill(0xffffffff);
    if (words % 32 !== 0)
      bitmap.summary[bitmap.summary.length - 1] = 0xffffffff >>> (32 - (words % 32));
    bitmap.count = size;
    return bitmap;
  }

  /** An independent copy. */
  clone(): EligibilityBitmap {
    const copy = new EligibilityBitmap(this.size);
    copy.words.set(this.words);
    copy.summary.set(this.summary);
    copy.count = this.count;
    return copy;
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    if (i < 0 || i >= this.size || this.has(i)) return;
    const w = i >>> 5;
    this.words[w] |= 1 << (i & 31);
    this.summary[w >>> 5] |= 1 << (w & 31);
    this.count++;
  }

  delete(i: number): void {
    if (i < 0 || i >= this.size || !this.has(i)) return;
    const w = i >>> 5;
    this.words[w] &= ~(1 << (i & 31));
    if (this.words[w] === 0) this.summary[w >>> 5] &= ~(1 << (w & 31));
    this.count--;
  }

  /** The first member at or after `from`, wrapping to the start; -1 when the set is empty. */
  next(from: number): number {
    if (this.count === 0) return -1;
    const start = from >= 0 && from < this.size ? from : 0;
    const found = this.scan(start);
    return found >= 0 ? found : this.scan(0);
  }

  /** The first member at or after `i`, without wrapping; -1 when none. */
  private scan(i: number): number {
    let w = i >>> 5;
    const inWord = this.words[w] & ((0xffffffff << (i & 31)) >>> 0);
    if (inWord !== 0) return (w << 5) + lowestBit(inWord);
    w++;
    if (w >= this.words.length) return -1;
    let s = w >>> 5;
    let bits = this.summary[s] & ((0xffffffff << (w & 31)) >>> 0);
    while (bits === 0) {
      if (++s >= this.summary.length) return -1;
      bits = this.summary[s];
    }
    w = (s << 5) + lowestBit(bits);
    return (w << 5) + lowestBit(this.words[w]);
  }
}
