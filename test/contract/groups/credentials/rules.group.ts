import { NAMESPACES } from '../../../../src/storage/storage-backend.interface';
import { StorageValidationError } from '../../../../src/storage/storage.errors';
import type { ContractContext } from '../../storage-target';

/** Rules other than the gateway's, so that a number copied into an engine would show. */
const THREE_CODES = { errorCodesKept: 3, namespaces: NAMESPACES };

/** StorageRules reach every engine as parameters: no Lua, SQL or Mongo code keeps its own. */
export function rulesGroup(ctx: ContractContext) {
  describe('storage rules', () => {
    it('keeps as many distinct error codes as the rules say, with or without a cooldown', async () => {
      const store = await ctx.second({ rules: THREE_CODES });
      await store.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
      for (const code of [500, 501, 502, 503]) {
        await store.recordFailure('geminicli', 'a.json', { code });
      }
      expect((await store.getState('geminicli', 'a.json'))!.errorCodes).toEqual([501, 502, 503]);
      const until = ctx.clock.now() / 1000 + 60;
      await store.recordFailure('geminicli', 'a.json', {
        code: 429,
        modelKey: 'pro',
        cooldownUntil: until,
      });
      expect(await store.getState('geminicli', 'a.json')).toMatchObject({
        errorCodes: [502, 503, 429],
        modelCooldowns: { pro: until },
      });
      const page = await store.summarize('geminicli', { errorCode: 501 });
      expect(page.total).toBe(0);
      expect((await store.summarize('geminicli', { errorCode: 429 })).total).toBe(1);
    });

    it('refuses to restore more error codes than the rules keep', async () => {
      const store = await ctx.second({ rules: THREE_CODES });
      await store.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
      const state = {
        disabled: false,
        errorCodes: [500, 501, 502, 503],
        lastSuccess: null,
        userEmail: null,
        modelCooldowns: {},
        callCount: 0,
        problem: null,
      };
      await expect(
        store.restoreStates('geminicli', [{ name: 'a.json', state }]),
      ).rejects.toBeInstanceOf(StorageValidationError);
      await ctx.storage.restoreStates('geminicli', [{ name: 'a.json', state }]);
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.errorCodes).toHaveLength(4);
    });

    it('refuses a namespace the rules do not list', async () => {
      const store = await ctx.second({ rules: { errorCodesKept: 10, namespaces: ['geminicli'] } });
      await expect(store.listCredentialNames('antigravity')).rejects.toBeInstanceOf(
        StorageValidationError,
      );
      expect(await store.listCredentialNames('geminicli')).toEqual([]);
    });
  });
}
