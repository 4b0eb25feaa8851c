/**
 * Storage calls the admin routes keep in flight at once when they touch many credentials: enough
 * to hide round trips on a networked backend, few enough not to starve the request hot path of
 * pool connections for long.
 */
export const ADMIN_CONCURRENCY = 64;

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, results in the order of
 * `items`. Rejects with the first error and starts no further calls after it.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
