/**
 * The rotation index alone: picks per second at 100 and at 100,000 credentials (half of them
 * disabled), in memory. A pick must not cost more with a larger pool; the ratio shows it.
 * Run with `npm run bench:rotation-index`. It prints figures and sets no exit code.
 */
import { RotationIndex } from '../src/credentials/rotation/rotation-index';
import { runBench } from './run-bench';

const NOW = 1_800_000_000;
const PICKS = 1_000_000;
const SIZES = [100, 10_000, 100_000] as const;

function picksPerSecond(size: number): number {
  const names = Array.from({ length: size }, (_, i) => `c${i}`);
  const index = new RotationIndex({
    names,
    disabled: names.filter((_, i) => i % 2 === 1),
    cooldowns: [],
  });
  for (let i = 0; i < 10_000; i++) index.pick('pro', NOW, 1);
  const started = performance.now();
  for (let i = 0; i < PICKS; i++) index.pick('pro', NOW, 1);
  return PICKS / ((performance.now() - started) / 1000);
}

runBench(async () => {
  // Interleaved rounds, best of three each, so both sizes see the same machine.
  const best = new Map<number, number>();
  for (let round = 0; round < 3; round++) {
    for (const size of SIZES) best.set(size, Math.max(best.get(size) ?? 0, picksPerSecond(size)));
  }
  const base = best.get(SIZES[0])!;
  console.log('| credentials | picks/s | vs 100 |\n|---:|---:|---:|');
  for (const size of SIZES) {
    const rate = best.get(size)!;
    console.log(`| ${size} | ${Math.round(rate)} | ${(rate / base).toFixed(2)}x |`);
  }
});
