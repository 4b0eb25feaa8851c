/** One cooldown: `position` may not serve the model until `until` (unix seconds). */
export interface CooldownEntry {
  until: number;
  position: number;
}

/**
 * A binary min-heap of cooldowns by end time, so expired ones are found in O(log n) each instead
 * of scanning every cooling credential. Entries are never removed early: a replaced or cleared
 * cooldown leaves a stale entry that the owner recognises and ignores when it is popped.
 */
export class CooldownHeap {
  private readonly items: CooldownEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: CooldownEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].until <= entry.until) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = entry;
  }

  /** Removes and returns the earliest entry that ends at or before `now`, if any. */
  popExpired(now: number): CooldownEntry | undefined {
    const items = this.items;
    if (items.length === 0 || items[0].until > now) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right].until < items[left].until ? right : left;
        if (items[child].until >= last.until) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
