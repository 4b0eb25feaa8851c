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
import { compareRounds, type MeasurePair } from './compare-rounds';

type Op = () => Promise<unknown>;

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
      '| operation | cluster p50 µs | single p50 µs | ratio p50 per round | median ratio p50 | median ratio p50 over order pairs | ratio mean |',
    );
    console.log('|---|---:|---:|---|---:|---:|---:|');
    for (const name of Object.keys(c)) {
      const cells = await compareRounds(measure, c[name], s[name], rounds);
      console.log(`| ${name} | ${cells.join(' | ')} |`);
    }
  } finally {
    await Promise.all([cluster.close(), single.close()]);
  }
}
