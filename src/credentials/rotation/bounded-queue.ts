/**
 * A first-in, first-out queue that holds at most `capacity` items: pushing onto a full queue
 * drops the oldest item and hands it back, so memory stays bounded however long the consumer is away.
 */
export class BoundedQueue<T> {
  private items: T[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds `item` last; returns the oldest item when it was dropped to make room. */
  push(item: T): T | undefined {
    this.items.push(item);
    if (this.items.length <= this.capacity) return undefined;
    return this.items.shift();
  }

  /** The oldest item, left in place; `undefined` when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Removes the oldest item if it is `item` (it may have been dropped meanwhile). */
  remove(item: T): boolean {
    if (this.items[0] !== item) return false;
    this.items.shift();
    return true;
  }
}
