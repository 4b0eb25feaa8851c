import type { ContractContext } from '../storage-target';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function entriesGroup(ctx: ContractContext) {
  describe('short-lived entries', () => {
    it('stores an entry until its time-to-live runs out', async () => {
      await ctx.storage.setEntry('session:a', 'v1', 60_000);
      expect(await ctx.storage.getEntry('session:a')).toBe('v1');
      await ctx.storage.setEntry('session:a', 'v2', 300);
      expect(await ctx.storage.getEntry('session:a')).toBe('v2');
      await sleep(1_200);
      expect(await ctx.storage.getEntry('session:a')).toBeNull();
      expect(await ctx.storage.getEntry('never')).toBeNull();
    });

    it('sets if absent atomically: exactly one of many concurrent callers wins', async () => {
      const other = await ctx.second();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? ctx.storage : other).setEntryIfAbsent('lease:x', `owner-${i}`, 60_000),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await ctx.storage.getEntry('lease:x')).toBe(`owner-${winner}`);
    });

    it('lets a new owner take an expired entry', async () => {
      expect(await ctx.storage.setEntryIfAbsent('lease:y', 'first', 300)).toBe(true);
      expect(await ctx.storage.setEntryIfAbsent('lease:y', 'second', 60_000)).toBe(false);
      await sleep(1_200);
      expect(await ctx.storage.setEntryIfAbsent('lease:y', 'second', 60_000)).toBe(true);
      expect(await ctx.storage.getEntry('lease:y')).toBe('second');
    });

    it('deletes an entry, or only when it still holds the expected value', async () => {
      await ctx.storage.setEntry('lease:z', 'mine', 60_000);
      expect(await ctx.storage.deleteEntry('lease:z', 'theirs')).toBe(false);
      expect(await ctx.storage.getEntry('lease:z')).toBe('mine');
      expect(await ctx.storage.deleteEntry('lease:z', 'mine')).toBe(true);
      expect(await ctx.storage.getEntry('lease:z')).toBeNull();
      await ctx.storage.setEntry('lease:z', 'again', 60_000);
      expect(await ctx.storage.deleteEntry('lease:z')).toBe(true);
      expect(await ctx.storage.deleteEntry('lease:z')).toBe(false);
    });
  });
}
