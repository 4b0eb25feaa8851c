/**
 * A local 3-master Valkey Cluster next to a single Valkey, the gateway's hot operations on each,
 * interleaved (issue 13: within 1.3x). One round by default, as part of `npm run bench:storage`.
 * The long mode, for a quiet machine, repeats the comparison BENCH_CLUSTER_ROUNDS times and
 * reports each round's p50 ratio and their median, which one noisy round cannot move:
 *
 *   BENCH_ONLY=valkey-cluster BENCH_CLUSTER_ROUNDS=7 BENCH_ITERATIONS=10000 npm run bench:storage
 */
import { RedisBackend } from '../src/storage/backends/redis.backend';
import type { StorageBackend } from '../src/storage/storage-backend.interface';
import { ValidatedStorage } from '../src/storage/validated-storage';
import type { MeasurePair } from './storage-tier';

type Op = () => Promise<unknown>;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const ratio = (x: number) => `${x.toFixed(2)}x`;

/** Prints, per operation, the cluster's and the single server's p50 and their ratios. */
export async function benchCluster(
  clusterUrl: string,
  singleUrl: string,
  measure: MeasurePair,
  /** The hot operations to compare, on one store. */
  operations: (storage: StorageBackend) => Record<string, Op>,
  /** Writes what the operations read (the main bench's seed). */
  seed: (storage: StorageBackend) => Promise<void>,
  rounds = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 1),
) {
  const open = async (url: string) => {
    const storage = new ValidatedStorage(
      new RedisBackend({ url, keyPrefix: `bench:${process.pid}:${Date.now()}:` }),
    );
    await storage.connect();
    return storage;
  };
  const [cluster, single] = await Promise.all([open(clusterUrl), open(singleUrl)]);
  try {
    await Promise.all([seed(cluster), seed(single)]);
    const [c, s] = [operations(cluster), operations(single)];
    console.log(`\n# Valkey Cluster (3 masters) next to a single Valkey, ${rounds} round(s)`);
    console.log(
      '| operation | cluster p50 µs | single p50 µs | ratio p50 per round | median ratio p50 | ratio mean |',
    );
    console.log('|---|---:|---:|---|---:|---:|');
    for (const name of Object.keys(c)) {
      const runs = [];
      // Rounds alternate which side goes first, so neither always follows the other's garbage.
      for (let round = 0; round < rounds; round++) {
        const [a, b] =
          round % 2 ? (await measure(s[name], c[name])).reverse() : await measure(c[name], s[name]);
        runs.push({ a, b });
      }
      const p50s = runs.map(({ a, b }) => a.p50 / b.p50);
      const mean = median(runs.map(({ a, b }) => a.mean / b.mean));
      console.log(
        `| ${name} | ${median(runs.map((r) => r.a.p50)).toFixed(1)} | ${median(runs.map((r) => r.b.p50)).toFixed(1)} | ${p50s.map(ratio).join(' ')} | ${ratio(median(p50s))} | ${ratio(mean)} |`,
      );
    }
  } finally {
    await Promise.all([cluster.close(), single.close()]);
  }
}
