import type { ContractContext } from '../../storage-target';

/** The ChangeFeed role: what another gateway process polls to know when to reload. */
export function changeFeedGroup(ctx: ContractContext) {
  describe('change marker', () => {
    it('raises the change marker when another process must reload', async () => {
      const other = await ctx.second();
      let version = await other.changeVersion();
      const expectBump = async (what: string) => {
        const next = await other.changeVersion();
        expect({ what, grew: next > version }).toEqual({ what, grew: true });
        version = next;
      };
      await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
      await expectBump('upsert');
      await ctx.storage.updateState('geminicli', 'a.json', { disabled: true });
      await expectBump('disable');
      await ctx.storage.recordFailure('geminicli', 'a.json', {
        code: 429,
        modelKey: 'pro',
        cooldownUntil: 4e9,
      });
      await expectBump('cooldown');
      await ctx.storage.setConfig('k', 1);
      await expectBump('config set');
      await ctx.storage.updateConfig({ j: 2 }, ['k']);
      await expectBump('config update');
      await ctx.storage.deleteConfig('j');
      await expectBump('config delete');
      await ctx.storage.deleteCredential('geminicli', 'a.json');
      await expectBump('delete');
    });
  });
}
