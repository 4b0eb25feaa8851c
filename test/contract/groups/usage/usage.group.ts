import type { UsageIncrement } from '../../../../src/storage/storage-backend.interface';
import type { ContractContext } from '../../storage-target';

const inc = (
  day: string,
  credential: string,
  model: string,
  metric: string,
  by = 1,
): UsageIncrement => ({ day, ns: 'geminicli', credential, model, metric, by });

export function usageGroup(ctx: ContractContext) {
  describe('usage counters', () => {
    it('adds increments to counters, creating them at zero, and lists them in order', async () => {
      await ctx.storage.incrementUsage([
        inc('2026-01-02', 'b.json', 'gemini-2.5-pro', 'requests'),
        inc('2026-01-01', 'a.json', 'gemini-2.5-pro', 'requests', 2),
        inc('2026-01-01', 'a.json', 'gemini-2.5-pro', 'input_tokens', 100),
        inc('2026-01-01', 'a.json', 'gemini-2.5-pro', 'failures:429'),
      ]);
      await ctx.storage.incrementUsage([
        inc('2026-01-01', 'a.json', 'gemini-2.5-pro', 'requests', 3),
      ]);
      expect(await ctx.storage.listUsage()).toEqual([
        { ...key('2026-01-01', 'a.json'), metric: 'failures:429', value: 1 },
        { ...key('2026-01-01', 'a.json'), metric: 'input_tokens', value: 100 },
        { ...key('2026-01-01', 'a.json'), metric: 'requests', value: 5 },
        { ...key('2026-01-02', 'b.json'), metric: 'requests', value: 1 },
      ]);
    });

    it('counts every concurrent increment from two connections exactly once', async () => {
      const other = await ctx.second();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? ctx.storage : other).incrementUsage([
            inc('2026-02-01', 'c.json', 'gemini-2.5-flash', 'requests'),
            inc('2026-02-01', 'c.json', 'gemini-2.5-flash', 'output_tokens', 7),
          ]),
        ),
      );
      const counters = await ctx.storage.listUsage({ credential: 'c.json' });
      expect(counters.map((c) => [c.metric, c.value])).toEqual([
        ['output_tokens', 280],
        ['requests', 40],
      ]);
    });

    it('filters by namespace, credential, model and day range, and deletes what a filter covers', async () => {
      await ctx.storage.incrementUsage([
        inc('2026-03-01', 'a.json', 'm1', 'requests'),
        inc('2026-03-02', 'a.json', 'm2', 'requests'),
        inc('2026-03-03', 'b.json', 'm1', 'requests'),
        { ...inc('2026-03-02', 'a.json', 'm1', 'requests'), ns: 'antigravity' },
      ]);
      const days = async (filter: Parameters<typeof ctx.storage.listUsage>[0]) =>
        (await ctx.storage.listUsage(filter)).map(
          (c) => `${c.ns}/${c.day}/${c.credential}/${c.model}`,
        );
      expect(await days({ ns: 'antigravity' })).toEqual(['antigravity/2026-03-02/a.json/m1']);
      expect(await days({ ns: 'geminicli', model: 'm1' })).toEqual([
        'geminicli/2026-03-01/a.json/m1',
        'geminicli/2026-03-03/b.json/m1',
      ]);
      expect(await days({ from: '2026-03-02', to: '2026-03-02', credential: 'a.json' })).toEqual([
        'antigravity/2026-03-02/a.json/m1',
        'geminicli/2026-03-02/a.json/m2',
      ]);
      await ctx.storage.deleteUsage({ credential: 'a.json', ns: 'geminicli' });
      expect(await days({})).toEqual([
        'antigravity/2026-03-02/a.json/m1',
        'geminicli/2026-03-03/b.json/m1',
      ]);
      await ctx.storage.deleteUsage({ to: '2026-03-02' });
      expect(await days({})).toEqual(['geminicli/2026-03-03/b.json/m1']);
      await ctx.storage.deleteUsage();
      expect(await ctx.storage.listUsage()).toEqual([]);
    });

    it('refuses malformed increments and writes none of the batch', async () => {
      await expect(
        ctx.storage.incrementUsage([
          inc('2026-04-01', 'a.json', 'm', 'requests'),
          inc('2026-4-1', 'a.json', 'm', 'requests'),
        ]),
      ).rejects.toThrow(/day must be a day as YYYY-MM-DD/);
      await expect(
        ctx.storage.incrementUsage([inc('2026-04-01', 'a.json', 'm', 'requests', 0)]),
      ).rejects.toThrow(/positive whole number/);
      await expect(
        ctx.storage.incrementUsage([inc('2026-04-01', 'a.json', 'm', 'bogus')]),
      ).rejects.toThrow(/metric/);
      expect(await ctx.storage.listUsage()).toEqual([]);
    });
  });
}

function key(day: string, credential: string) {
  return { day, ns: 'geminicli', credential, model: 'gemini-2.5-pro' };
}
