import type { ContractContext } from '../../storage-target';

const NOW = 1_800_000_000;
const secretData = (i: number) => ({
  refresh_token: `SECRET-REFRESH-${i}`,
  client_secret: `SECRET-${i}`,
});

/** Ten credentials: 0-9; 2, 5, 8 disabled; 1, 4 failed with 429 (1 cools pro), 7 failed 500. */
async function seed(ctx: ContractContext) {
  await ctx.storage.upsertCredentials(
    'geminicli',
    Array.from({ length: 10 }, (_, i) => ({ name: `c${i}.json`, data: secretData(i) })),
  );
  for (const i of [2, 5, 8])
    await ctx.storage.updateState('geminicli', `c${i}.json`, { disabled: true });
  await ctx.storage.recordFailure('geminicli', 'c1.json', {
    code: 429,
    modelKey: 'pro',
    cooldownUntil: NOW + 60,
  });
  await ctx.storage.recordFailure('geminicli', 'c4.json', { code: 429 });
  await ctx.storage.recordFailure('geminicli', 'c7.json', { code: 500 });
  await ctx.storage.setModelCooldown('geminicli', 'c3.json', 'flash', NOW - 5);
  await ctx.storage.setModelCooldown('geminicli', 'c9.json', 'flash', NOW + 5);
}

const names = (page: { items: Array<{ name: string }> }) => page.items.map((item) => item.name);

export function summaryGroup(ctx: ContractContext) {
  describe('credential summary', () => {
    it('pages through credentials in insertion order with totals over the namespace', async () => {
      await seed(ctx);
      const page = await ctx.storage.summarize('geminicli', { offset: 3, limit: 4, now: NOW });
      expect(names(page)).toEqual(['c3.json', 'c4.json', 'c5.json', 'c6.json']);
      expect(page).toMatchObject({ total: 10, offset: 3, limit: 4 });
      expect(page.stats).toEqual({ total: 10, enabled: 7, disabled: 3 });
      const last = await ctx.storage.summarize('geminicli', { offset: 8, limit: 4, now: NOW });
      expect(names(last)).toEqual(['c8.json', 'c9.json']);
      const beyond = await ctx.storage.summarize('geminicli', { offset: 50, limit: 4, now: NOW });
      expect(beyond.items).toEqual([]);
      expect(beyond.total).toBe(10);
    });

    it('filters by status', async () => {
      await seed(ctx);
      const disabled = await ctx.storage.summarize('geminicli', { status: 'disabled', now: NOW });
      expect(names(disabled)).toEqual(['c2.json', 'c5.json', 'c8.json']);
      expect(disabled.total).toBe(3);
      const enabled = await ctx.storage.summarize('geminicli', {
        status: 'enabled',
        limit: 2,
        now: NOW,
      });
      expect(names(enabled)).toEqual(['c0.json', 'c1.json']);
      expect(enabled.total).toBe(7);
      expect(enabled.stats).toEqual({ total: 10, enabled: 7, disabled: 3 });
    });

    it('filters by error code', async () => {
      await seed(ctx);
      const page = await ctx.storage.summarize('geminicli', { errorCode: 429, now: NOW });
      expect(names(page)).toEqual(['c1.json', 'c4.json']);
      expect(page.total).toBe(2);
      expect((await ctx.storage.summarize('geminicli', { errorCode: 42, now: NOW })).total).toBe(0);
    });

    it('filters by cooldown, ignoring expired ones, for any model or one model', async () => {
      await seed(ctx);
      const inAny = await ctx.storage.summarize('geminicli', { cooldown: 'in', now: NOW });
      expect(names(inAny)).toEqual(['c1.json', 'c9.json']);
      const inPro = await ctx.storage.summarize('geminicli', {
        cooldown: 'in',
        modelKey: 'pro',
        now: NOW,
      });
      expect(names(inPro)).toEqual(['c1.json']);
      const out = await ctx.storage.summarize('geminicli', { cooldown: 'out', now: NOW });
      expect(out.total).toBe(8);
      expect(names(out)).not.toContain('c1.json');
      expect(names(out)).toContain('c3.json');
      const later = await ctx.storage.summarize('geminicli', { cooldown: 'in', now: NOW + 100 });
      expect(later.total).toBe(0);
    });

    it('combines filters', async () => {
      await seed(ctx);
      await ctx.storage.recordFailure('geminicli', 'c2.json', { code: 429 });
      const page = await ctx.storage.summarize('geminicli', {
        status: 'enabled',
        errorCode: 429,
        cooldown: 'out',
        now: NOW,
      });
      expect(names(page)).toEqual(['c4.json']);
    });

    it('keeps the cooldown filter exact as cooldowns are set, cleared and restored', async () => {
      await seed(ctx);
      const cooling = async (now: number, modelKey?: string) =>
        names(await ctx.storage.summarize('geminicli', { cooldown: 'in', modelKey, now }));
      await ctx.storage.setModelCooldown('geminicli', 'c0.json', 'pro', NOW + 50);
      await ctx.storage.setModelCooldown('geminicli', 'c0.json', 'flash', NOW + 100);
      expect(await cooling(NOW + 75)).toEqual(['c0.json']);
      await ctx.storage.recordSuccess('geminicli', 'c0.json', { modelKey: 'flash' });
      expect(await cooling(NOW + 75)).toEqual([]);
      expect(await cooling(NOW)).toContain('c0.json');
      await ctx.storage.setModelCooldown('geminicli', 'c0.json', 'pro', null);
      expect(await cooling(NOW)).not.toContain('c0.json');
      await ctx.storage.recordFailure('geminicli', 'c0.json', {
        code: 429,
        modelKey: 'flash',
        cooldownUntil: NOW + 200,
      });
      expect(await cooling(NOW + 150)).toEqual(['c0.json']);
      const state = (await ctx.storage.getState('geminicli', 'c6.json', NOW))!;
      await ctx.storage.restoreStates('geminicli', [
        { name: 'c6.json', state: { ...state, modelCooldowns: { pro: NOW + 30 } } },
      ]);
      expect(await cooling(NOW, 'pro')).toEqual(['c1.json', 'c6.json']);
      expect(await cooling(NOW, 'flash')).toEqual(['c0.json', 'c9.json']);
      const out = await ctx.storage.summarize('geminicli', {
        cooldown: 'out',
        modelKey: 'flash',
        now: NOW,
      });
      expect(names(out)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `c${i}.json`));
      expect(out.total).toBe(8);
    });

    it('counts filters most credentials pass, alone and together', async () => {
      await seed(ctx);
      const problem = { code: 'no_project', message: 'none yet', at: NOW };
      await ctx.storage.updateState('geminicli', 'c3.json', { problem });
      const page = (query: object) =>
        ctx.storage.summarize('geminicli', { ...query, limit: 3, now: NOW });
      const enabledOut = await page({ status: 'enabled', cooldown: 'out' });
      expect(names(enabledOut)).toEqual(['c0.json', 'c3.json', 'c4.json']);
      expect(enabledOut.total).toBe(5);
      const healthy = await page({ status: 'enabled', cooldown: 'out', problem: 'none' });
      expect(names(healthy)).toEqual(['c0.json', 'c4.json', 'c6.json']);
      expect(healthy.total).toBe(4);
      expect((await page({ problem: 'none' })).total).toBe(9);
      expect((await page({ status: 'enabled', cooldown: 'out', modelKey: 'pro' })).total).toBe(6);
      expect((await page({ problem: 'no_project', status: 'enabled' })).total).toBe(1);
    });

    it('shows state but never credential secrets', async () => {
      await seed(ctx);
      const page = await ctx.storage.summarize('geminicli', { limit: 100, now: NOW });
      expect(JSON.stringify(page)).not.toMatch(/SECRET/);
      expect(page.items[1]).toEqual({
        name: 'c1.json',
        order: expect.any(Number),
        disabled: false,
        errorCodes: [429],
        lastSuccess: null,
        userEmail: null,
        modelCooldowns: { pro: NOW + 60 },
        callCount: 0,
        problem: null,
      });
    });

    it('summarizes an empty namespace', async () => {
      const page = await ctx.storage.summarize('antigravity', {});
      expect(page).toEqual({
        items: [],
        total: 0,
        offset: 0,
        limit: 50,
        stats: { total: 0, enabled: 0, disabled: 0 },
      });
    });
  });
}
