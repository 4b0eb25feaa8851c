import type { ContractContext } from '../../storage-target';

const cred = (n: number | string) => ({
  client_id: `client-${n}`,
  client_secret: `secret-${n}`,
  refresh_token: `refresh-${n}`,
  token: `token-${n}`,
  project_id: `project-${n}`,
  scopes: ['https://www.googleapis.com/auth/cloud-platform'],
});

export function credentialGroup(ctx: ContractContext) {
  describe('credentials', () => {
    it('stores a credential and returns exactly the data given', async () => {
      const data = {
        ...cred(1),
        nested: { a: [1, 'two', null, true] },
        expiry: '2026-01-01T00:00:00Z',
      };
      expect(await ctx.storage.upsertCredential('geminicli', 'a.json', data)).toEqual({
        created: true,
      });
      expect(await ctx.storage.getCredential('geminicli', 'a.json')).toEqual(data);
    });

    it('returns null for a name that was never stored', async () => {
      expect(await ctx.storage.getCredential('geminicli', 'missing.json')).toBeNull();
      expect(await ctx.storage.deleteCredential('geminicli', 'missing.json')).toBe(false);
    });

    it('matches names exactly: % and _ are plain characters, and no suffix matching', async () => {
      const names = ['1.json', 'x1.json', '%.json', '_.json', 'a_b.json', 'a%b.json', 'dir/1.json'];
      for (const [i, name] of names.entries()) {
        await ctx.storage.upsertCredential('geminicli', name, cred(i));
      }
      expect(await ctx.storage.getCredential('geminicli', '%.json')).toEqual(cred(2));
      expect(await ctx.storage.getCredential('geminicli', 'aXb.json')).toBeNull();
      expect(await ctx.storage.getCredential('geminicli', '%')).toBeNull();
      expect(await ctx.storage.deleteCredential('geminicli', '%.json')).toBe(true);
      expect(await ctx.storage.deleteCredential('geminicli', '_.json')).toBe(true);
      expect(await ctx.storage.deleteCredential('geminicli', '1.json')).toBe(true);
      expect(await ctx.storage.listCredentialNames('geminicli')).toEqual([
        'x1.json',
        'a_b.json',
        'a%b.json',
        'dir/1.json',
      ]);
      expect(await ctx.storage.recordFailure('geminicli', '%', { code: 500 })).toBe(false);
      expect((await ctx.storage.getState('geminicli', 'a_b.json'))?.errorCodes).toEqual([]);
    });

    it('reads many credentials at once: those that exist, by exact name, in one namespace', async () => {
      const names = Array.from({ length: 500 }, (_, i) => `page-${i}.json`);
      await ctx.storage.upsertCredentials(
        'geminicli',
        names.map((name, i) => ({ name, data: cred(i) })),
      );
      await ctx.storage.upsertCredential('geminicli', '%.json', cred('pct'));
      await ctx.storage.upsertCredential('antigravity', 'other.json', cred('ag'));
      expect(await ctx.storage.getCredentials('geminicli', [])).toEqual(new Map());
      const asked = [...names, 'missing.json', '%', 'other.json', '%.json'];
      const found = await ctx.storage.getCredentials('geminicli', asked);
      expect(found.size).toBe(501);
      expect(found.get('page-0.json')).toEqual(cred(0));
      expect(found.get('page-499.json')).toEqual(cred(499));
      expect(found.get('%.json')).toEqual(cred('pct'));
      expect(found.has('missing.json')).toBe(false);
      expect(found.has('%')).toBe(false);
      expect(found.has('other.json')).toBe(false);
      const few = await ctx.storage.getCredentials('antigravity', ['other.json', 'page-1.json']);
      expect([...few]).toEqual([['other.json', cred('ag')]]);
    });

    it('keeps unicode and very long names intact', async () => {
      const unicode = '凭证-😀-ünïcødé.json';
      const long = `${'n'.repeat(1000)}.json`;
      await ctx.storage.upsertCredential('geminicli', unicode, cred('u'));
      await ctx.storage.upsertCredential('geminicli', long, cred('l'));
      expect(await ctx.storage.getCredential('geminicli', unicode)).toEqual(cred('u'));
      expect(await ctx.storage.getCredential('geminicli', long)).toEqual(cred('l'));
      expect(await ctx.storage.getCredential('geminicli', long.slice(1))).toBeNull();
      const both = await ctx.storage.getCredentials('geminicli', [unicode, long, long.slice(1)]);
      expect(Object.fromEntries(both)).toEqual({ [unicode]: cred('u'), [long]: cred('l') });
      expect(await ctx.storage.listCredentialNames('geminicli')).toEqual([unicode, long]);
    });

    it('lists names in insertion order, and re-upload does not move a credential', async () => {
      for (const name of ['c.json', 'a.json', 'b.json']) {
        await ctx.storage.upsertCredential('geminicli', name, cred(name));
      }
      await ctx.storage.upsertCredential('geminicli', 'c.json', cred('again'));
      expect(await ctx.storage.listCredentialNames('geminicli')).toEqual([
        'c.json',
        'a.json',
        'b.json',
      ]);
    });

    it('keeps state when a credential is re-uploaded, and replaces its data whole', async () => {
      await ctx.storage.upsertCredential('geminicli', 'a.json', { ...cred(1), extra: 'old' });
      await ctx.storage.updateState('geminicli', 'a.json', {
        disabled: true,
        userEmail: 'u@x.com',
      });
      await ctx.storage.recordFailure('geminicli', 'a.json', {
        code: 429,
        modelKey: 'pro',
        cooldownUntil: 4e9,
      });
      await ctx.storage.recordSuccess('geminicli', 'a.json', { modelKey: 'flash', at: 1000 });
      await ctx.storage.recordFailure('geminicli', 'a.json', { code: 500 });

      expect(await ctx.storage.upsertCredential('geminicli', 'a.json', cred(2))).toEqual({
        created: false,
      });

      expect(await ctx.storage.getCredential('geminicli', 'a.json')).toEqual(cred(2));
      expect(await ctx.storage.getState('geminicli', 'a.json')).toEqual({
        disabled: true,
        errorCodes: [500],
        lastSuccess: 1000,
        userEmail: 'u@x.com',
        modelCooldowns: { pro: 4e9 },
        callCount: 1,
        problem: null,
      });
    });

    it('never mixes state into the credential data', async () => {
      await ctx.storage.upsertCredential('geminicli', 'a.json', cred(1));
      await ctx.storage.updateState('geminicli', 'a.json', {
        disabled: true,
        userEmail: 'e@x.com',
      });
      await ctx.storage.recordFailure('geminicli', 'a.json', { code: 403 });
      expect(await ctx.storage.getCredential('geminicli', 'a.json')).toEqual(cred(1));
    });

    it('deletes a credential with its state; a new one of that name starts fresh', async () => {
      await ctx.storage.upsertCredential('geminicli', 'a.json', cred(1));
      await ctx.storage.updateState('geminicli', 'a.json', { disabled: true });
      expect(await ctx.storage.deleteCredential('geminicli', 'a.json')).toBe(true);
      expect(await ctx.storage.getCredential('geminicli', 'a.json')).toBeNull();
      expect(await ctx.storage.getState('geminicli', 'a.json')).toBeNull();
      await ctx.storage.upsertCredential('geminicli', 'a.json', cred(1));
      expect((await ctx.storage.getState('geminicli', 'a.json'))?.disabled).toBe(false);
    });

    it('keeps the two namespaces apart', async () => {
      await ctx.storage.upsertCredential('geminicli', 'same.json', cred('g'));
      await ctx.storage.upsertCredential('antigravity', 'same.json', cred('a'));
      await ctx.storage.updateState('antigravity', 'same.json', { disabled: true });
      expect(await ctx.storage.getCredential('geminicli', 'same.json')).toEqual(cred('g'));
      expect(await ctx.storage.getCredential('antigravity', 'same.json')).toEqual(cred('a'));
      expect((await ctx.storage.getState('geminicli', 'same.json'))?.disabled).toBe(false);
      await ctx.storage.deleteCredential('geminicli', 'same.json');
      expect(await ctx.storage.listCredentialNames('geminicli')).toEqual([]);
      expect(await ctx.storage.listCredentialNames('antigravity')).toEqual(['same.json']);
    });

    it('bulk-upserts 10,000 credentials in one call, keeping order and existing state', async () => {
      await ctx.storage.upsertCredential('geminicli', 'cred-00005.json', cred('old'));
      await ctx.storage.updateState('geminicli', 'cred-00005.json', { disabled: true });
      const items = Array.from({ length: 10_000 }, (_, i) => ({
        name: `cred-${String(i).padStart(5, '0')}.json`,
        data: cred(i),
      }));
      expect(await ctx.storage.upsertCredentials('geminicli', items)).toEqual({
        created: 9_999,
        updated: 1,
      });
      const names = await ctx.storage.listCredentialNames('geminicli');
      expect(names).toHaveLength(10_000);
      expect(names[0]).toBe('cred-00005.json');
      expect(names[1]).toBe('cred-00000.json');
      expect(names[9_999]).toBe('cred-09999.json');
      expect(await ctx.storage.getCredential('geminicli', 'cred-00005.json')).toEqual(cred(5));
      expect(await ctx.storage.getCredential('geminicli', 'cred-09999.json')).toEqual(cred(9_999));
      expect((await ctx.storage.getState('geminicli', 'cred-00005.json'))?.disabled).toBe(true);
      expect((await ctx.storage.info()).counts.geminicli).toBe(10_000);
    }, 60_000);

    it('lets the last of duplicate names in one bulk upsert win', async () => {
      const result = await ctx.storage.upsertCredentials('geminicli', [
        { name: 'a.json', data: cred(1) },
        { name: 'a.json', data: cred(2) },
      ]);
      expect(result).toEqual({ created: 1, updated: 0 });
      expect(await ctx.storage.getCredential('geminicli', 'a.json')).toEqual(cred(2));
    });
  });
}
