/**
 * A first-in, first-out queue that holds at most `capacity` items: pushing onto a full queue
 * drops the oldest item and counts it, so memory stays bounded however long the consumer is away.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private droppedSinceTaken = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds `item` last; returns `true` when the oldest item was dropped to make room. */
  push(item: T): boolean {
    this.items.push(item);
    if (this.items.length <= this.capacity) return false;
    this.items.shift();
    this.droppedSinceTaken++;
    return true;
  }

  /** The oldest item, left in place; `undefined` when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Removes the oldest item if it is `item` (it may have been dropped meanwhile). */
  remove(item: T): void {
    if (this.items[0] === item) this.items.shift();
  }

  /** How many items were dropped since the last call; resets the count. */
  takeDropped(): number {
    const dropped = this.droppedSinceTaken;
    this.droppedSinceTaken = 0;
    return dropped;
  }
}
