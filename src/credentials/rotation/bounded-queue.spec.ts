import { BoundedQueue } from './bounded-queue';

describe('BoundedQueue', () => {
  it('hands items out oldest first', () => {
    const queue = new BoundedQueue<number>(3);
    queue.push(1);
    queue.push(2);
    expect(queue.peek()).toBe(1);
    queue.remove(1);
    expect(queue.peek()).toBe(2);
    expect(queue.size).toBe(1);
  });

  it('drops the oldest item when full and hands back what it dropped', () => {
    const queue = new BoundedQueue<number>(2);
    expect([1, 2, 3, 4].map((n) => queue.push(n))).toEqual([undefined, undefined, 1, 2]);
    expect(queue.size).toBe(2);
    expect(queue.peek()).toBe(3);
  });

  it('does not remove a newer item when the one being handled was dropped meanwhile', () => {
    const queue = new BoundedQueue<number>(1);
    queue.push(1);
    queue.push(2);
    expect(queue.remove(1)).toBe(false);
    expect(queue.peek()).toBe(2);
  });

  it('refuses a capacity that holds nothing', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
