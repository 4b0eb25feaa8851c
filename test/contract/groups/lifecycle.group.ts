import { StorageUnavailableError } from '../../../src/storage/storage.errors';
import type { ContractContext } from '../storage-target';

export function lifecycleGroup(ctx: ContractContext) {
  describe('lifecycle', () => {
    it('pings and reports its kind, redacted connection facts and counts', async () => {
      await ctx.storage.ping();
      await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
      await ctx.storage.upsertCredential('antigravity', 'b.json', { refresh_token: 'r' });
      await ctx.storage.setConfig('k', 'v');
      const info = await ctx.storage.info();
      expect(info.kind).toBe(ctx.target.kind ?? ctx.target.name);
      expect(info.counts).toEqual({ geminicli: 1, antigravity: 1, config: 1 });
      // A password in a URL shows only as ***.
      expect(JSON.stringify(info)).not.toMatch(/:\/\/[^/@"]*:(?!\*\*\*@)[^/@"]*@/);
    });

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

    it('throws a typed error, never an empty result, once the store is closed', async () => {
      await ctx.storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
      await ctx.storage.close();
      await expect(ctx.storage.getCredential('geminicli', 'a.json')).rejects.toBeInstanceOf(
        StorageUnavailableError,
      );
      await expect(ctx.storage.listCredentialNames('geminicli')).rejects.toBeInstanceOf(
        StorageUnavailableError,
      );
      await expect(ctx.storage.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    });

    it('fails to connect to a server that is not there, with a typed, redacted error', async () => {
      const down = ctx.target.createUnreachable();
      const error = await down.connect().then(
        () => null,
        (e: unknown) => e,
      );
      await down.close().catch(() => {});
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect(String((error as Error).message)).not.toMatch(/hunter2/);
    }, 30_000);
  });
}
