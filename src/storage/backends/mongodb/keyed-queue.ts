/** The last queued task of each key in this process; a key leaves the map once its queue is idle. */
const tails = new Map<string, Promise<void>>();

/**
 * Runs `task` once every task queued earlier under `key` in this process has settled, and
 * returns its result.
 *
 * Wire-compatible servers such as FerretDB 1.x apply an update as "read the document, change it,
 * write it back", so two concurrent `$inc` on one document can lose one. Queuing the writes to a
 * document makes them exact within a process; on MongoDB, where every update is atomic anyway,
 * it also spares compare-and-set loops from retrying against this process's own writes.
 */
export function queued<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const result = previous.then(task);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return result;
}

/**
 * The write queues of one database in this process: one per document, or on FerretDB one for the
 * whole database, because its SQLite also refuses overlapping write transactions ("database is
 * locked").
 */
export class WriteQueue {
  constructor(
    private readonly key: string,
    private readonly perDocument: boolean,
  ) {}

  /** Runs `task` after this process's earlier writes to the same document (or database). */
  run<T>(collection: string, id: string, task: () => Promise<T>): Promise<T> {
    return queued(this.perDocument ? `${this.key}\u0000${collection}\u0000${id}` : this.key, task);
  }
}
