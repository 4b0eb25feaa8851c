import type { ContractContext } from '../../storage-target';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The EphemeralStore role. Time moves on the test clock; only where entries expire on the
 * server's own clock (Valkey/Redis PX) does a case still wait, a little longer than the TTL.
 */
export function entriesGroup(ctx: ContractContext) {
  const pastTtl = async (ttlMs: number) => {
    // Real time passes on a server-timed store, so the test clock moves as well: a store that
    // keeps entries on both clocks (the tier: primary and cache) sees them expire on both.
    if (ctx.target.serverTimedEntries) await sleep(ttlMs + 900);
    ctx.clock.advance(ttlMs + 1);
  };

  describe('short-lived entries', () => {
    it('stores an entry until its time-to-live runs out', async () => {
      await ctx.storage.setEntry('session:a', 'v1', 60_000);
      expect(await ctx.storage.getEntry('session:a')).toBe('v1');
      await ctx.storage.setEntry('session:a', 'v2', 300);
      expect(await ctx.storage.getEntry('session:a')).toBe('v2');
      await pastTtl(300);
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
      await pastTtl(300);
      expect(await ctx.storage.setEntryIfAbsent('lease:y', 'second', 60_000)).toBe(true);
      expect(await ctx.storage.getEntry('lease:y')).toBe('second');
    });

    it('keeps an entry live until the very end of its time-to-live', async () => {
      if (ctx.target.serverTimedEntries) return; // server time: not movable by the test clock
      await ctx.storage.setEntry('session:b', 'v', 60_000);
      ctx.clock.advance(59_999);
      expect(await ctx.storage.getEntry('session:b')).toBe('v');
      expect(await ctx.storage.setEntryIfAbsent('session:b', 'other', 60_000)).toBe(false);
      ctx.clock.advance(1);
      expect(await ctx.storage.getEntry('session:b')).toBeNull();
      expect(await ctx.storage.deleteEntry('session:b')).toBe(false);
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
