import type { ContractContext } from '../../storage-target';

const data = { refresh_token: 'r', client_id: 'c', client_secret: 's' };
const noProject = {
  code: 'no_project',
  message: 'no project found; sign in again',
  at: 1_700_000_000.5,
};
const reauth = { code: 'needs_reauth', message: 'refresh token revoked', at: 1_700_000_100 };

export function problemGroup(ctx: ContractContext) {
  describe('credential problems and data-only writes', () => {
    beforeEach(async () => {
      await ctx.storage.upsertCredentials(
        'geminicli',
        ['a.json', 'b.json', 'c.json'].map((name) => ({ name, data })),
      );
    });

    it('keeps a problem with its message and time until it is cleared', async () => {
      expect(await ctx.storage.updateState('geminicli', 'a.json', { problem: noProject })).toBe(
        true,
      );
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.problem).toEqual(noProject);
      await ctx.storage.updateState('geminicli', 'a.json', { disabled: true });
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.problem).toEqual(noProject);
      await ctx.storage.updateState('geminicli', 'a.json', { problem: null });
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.problem).toBeNull();
    });

    it('filters the summary by problem: any, none or one code', async () => {
      await ctx.storage.updateState('geminicli', 'a.json', { problem: noProject });
      await ctx.storage.updateState('geminicli', 'c.json', { problem: reauth });
      // Replacing a problem moves the credential to the new code's filter.
      await ctx.storage.updateState('geminicli', 'c.json', { problem: noProject });
      await ctx.storage.updateState('geminicli', 'c.json', { problem: reauth });
      const names = async (problem: string) =>
        (await ctx.storage.summarize('geminicli', { problem })).items.map((i) => i.name);
      expect(await names('any')).toEqual(['a.json', 'c.json']);
      expect(await names('none')).toEqual(['b.json']);
      expect(await names('no_project')).toEqual(['a.json']);
      expect(await names('needs_reauth')).toEqual(['c.json']);
      expect(await names('refresh_failed')).toEqual([]);
      const page = await ctx.storage.summarize('geminicli', { problem: 'any' });
      expect(page.items[1].problem).toEqual(reauth);
      expect(page.total).toBe(2);
    });

    it('forgets a deleted credential problem, also in the filters', async () => {
      await ctx.storage.updateState('geminicli', 'a.json', { problem: noProject });
      await ctx.storage.deleteCredential('geminicli', 'a.json');
      await ctx.storage.upsertCredential('geminicli', 'a.json', data);
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.problem).toBeNull();
      const page = await ctx.storage.summarize('geminicli', { problem: 'no_project' });
      expect(page.items).toEqual([]);
    });

    it('refuses a malformed problem or problem filter', async () => {
      const bad = { code: 'No Project', message: 'x', at: 1 };
      await expect(
        ctx.storage.updateState('geminicli', 'a.json', { problem: bad }),
      ).rejects.toThrow(/problem.code/);
      await expect(ctx.storage.summarize('geminicli', { problem: '%' })).rejects.toThrow(/problem/);
    });

    it('replaces data without touching state or raising the change marker', async () => {
      await ctx.storage.recordFailure('geminicli', 'a.json', { code: 500 });
      await ctx.storage.updateState('geminicli', 'a.json', { disabled: true });
      const before = await ctx.storage.changeVersion();
      const fresh = { ...data, token: 'new', project_id: 'p' };
      expect(await ctx.storage.updateCredentialData('geminicli', 'a.json', fresh)).toBe(true);
      expect(await ctx.storage.getCredential('geminicli', 'a.json')).toEqual(fresh);
      expect(await ctx.storage.getState('geminicli', 'a.json')).toMatchObject({
        disabled: true,
        errorCodes: [500],
      });
      expect(await ctx.storage.changeVersion()).toBe(before);
    });

    it('creates nothing when asked to replace the data of an unknown credential', async () => {
      expect(await ctx.storage.updateCredentialData('geminicli', 'nope.json', data)).toBe(false);
      expect(await ctx.storage.getCredential('geminicli', 'nope.json')).toBeNull();
      expect(await ctx.storage.listCredentialNames('geminicli')).not.toContain('nope.json');
    });
  });
}
