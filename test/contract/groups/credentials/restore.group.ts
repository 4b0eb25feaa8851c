import type { CredentialState } from '../../../../src/storage/storage-backend.interface';
import type { ContractContext } from '../../storage-target';

const restored: CredentialState = {
  disabled: true,
  errorCodes: [500, 429],
  lastSuccess: 1700000000.25,
  userEmail: 'a@example.com',
  modelCooldowns: { pro: 4e9, 'gemini-2.5-flash': 4e9 + 0.5 },
  callCount: 12345,
  problem: { code: 'needs_reauth', message: 'Google refused the refresh token', at: 1_800_000_000 },
};

export function restoreGroup(ctx: ContractContext) {
  describe('restoring whole states (migration and backup restore)', () => {
    beforeEach(async () => {
      await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'a' });
      await ctx.storage.upsertCredential('geminicli', 'b.json', { refresh_token: 'b' });
      await ctx.storage.recordFailure('geminicli', 'a.json', {
        code: 403,
        modelKey: 'old',
        cooldownUntil: 4e9,
      });
    });

    it('replaces every state field, counters and cooldowns included, and skips unknown names', async () => {
      const version = await ctx.storage.changeVersion();
      await ctx.storage.restoreStates('geminicli', [
        { name: 'a.json', state: restored },
        { name: 'missing.json', state: restored },
      ]);
      expect(await ctx.storage.getState('geminicli', 'a.json')).toEqual(restored);
      expect(await ctx.storage.getState('geminicli', 'missing.json')).toBeNull();
      expect(await ctx.storage.listCredentialNames('geminicli')).toEqual(['a.json', 'b.json']);
      expect(await ctx.storage.changeVersion()).toBeGreaterThan(version);

      const cleared = { ...restored, disabled: false, errorCodes: [], userEmail: null };
      await ctx.storage.restoreStates('geminicli', [
        { name: 'a.json', state: { ...cleared, lastSuccess: null, modelCooldowns: {} } },
      ]);
      expect(await ctx.storage.getState('geminicli', 'a.json')).toEqual({
        ...cleared,
        lastSuccess: null,
        modelCooldowns: {},
      });
    });

    it('keeps the summary filters in step with a restored state', async () => {
      await ctx.storage.restoreStates('geminicli', [{ name: 'b.json', state: restored }]);
      const names = async (query: object) =>
        (await ctx.storage.summarize('geminicli', query)).items.map((item) => item.name);
      expect(await names({ status: 'disabled' })).toEqual(['b.json']);
      expect(await names({ errorCode: 429 })).toEqual(['b.json']);
      expect(await names({ errorCode: 403 })).toEqual(['a.json']);
      expect(await names({ cooldown: 'in', modelKey: 'pro' })).toEqual(['b.json']);
      await ctx.storage.restoreStates('geminicli', [
        {
          name: 'a.json',
          state: { ...restored, disabled: false, errorCodes: [], modelCooldowns: {} },
        },
      ]);
      expect(await names({ errorCode: 403 })).toEqual([]);
      expect(await names({ cooldown: 'in' })).toEqual(['b.json']);
      const page = await ctx.storage.summarize('geminicli', {});
      expect(page.stats).toEqual({ total: 2, enabled: 1, disabled: 1 });
    });

    it('refuses a state that breaks the rules before writing anything', async () => {
      await expect(
        ctx.storage.restoreStates('geminicli', [
          { name: 'a.json', state: restored },
          { name: 'b.json', state: { ...restored, callCount: -1 } },
        ]),
      ).rejects.toThrow(/callCount/);
      expect((await ctx.storage.getState('geminicli', 'a.json'))?.callCount).toBe(0);
    });
  });
}
