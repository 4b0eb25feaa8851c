/**
 * One side-by-side comparison repeated in rounds, for noisy machines: each round measures both
 * operations interleaved (alternating which goes first), and the verdict is the median of the
 * per-round p50 ratios, which one disturbed round cannot move, and of the ratios over pairs of
 * rounds that give each side both positions.
 */
type Op = () => Promise<unknown>;
type Stats = { mean: number; p50: number };
/** Measures two operations interleaved; mean and median in microseconds of each. */
export type MeasurePair = (a: Op, b: Op) => Promise<Stats[]>;

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const ratio = (x: number) => `${x.toFixed(2)}x`;

/**
 * Table cells for `a` against `b`: median p50s, per-round p50 ratios, their median, the median
 * ratio over order pairs, mean ratio.
 */
export async function compareRounds(measure: MeasurePair, a: Op, b: Op, rounds: number) {
  const runs: Array<{ a: Stats; b: Stats }> = [];
  for (let round = 0; round < rounds; round++) {
    const [x, y] = round % 2 ? (await measure(b, a)).reverse() : await measure(a, b);
    runs.push({ a: x, b: y });
  }
  const p50s = runs.map((run) => run.a.p50 / run.b.p50);
  return [
    median(runs.map((run) => run.a.p50)).toFixed(1),
    median(runs.map((run) => run.b.p50)).toFixed(1),
    p50s.map(ratio).join(' '),
    ratio(median(p50s)),
    pairs(runs),
    ratio(median(runs.map((run) => run.a.mean / run.b.mean))),
  ];
}

/**
 * The median over pairs of rounds (one with each side first) of the pair's summed p50s. On this
 * machine the operation measured second in an interleaved pair is often much faster (sub-100 µs
 * calls: 35 vs 100 µs by position alone), so a single round's ratio mostly says which side went
 * first; a pair gives each side both positions. `-` with fewer than two rounds.
 */
function pairs(runs: Array<{ a: Stats; b: Stats }>): string {
  const ratios: number[] = [];
  for (let i = 0; i + 1 < runs.length; i += 2) {
    const [x, y] = [runs[i], runs[i + 1]];
    ratios.push((x.a.p50 + y.a.p50) / (x.b.p50 + y.b.p50));
  }
  return ratios.length ? ratio(median(ratios)) : '-';
}
