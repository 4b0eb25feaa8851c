import type { StorageBackend } from '../../../../src/storage/storage-backend.interface';
import type { ContractContext } from '../../storage-target';

const NOW = 1_800_000_000;
const NS = 'geminicli';
const data = (i: number) => ({ refresh_token: `r${i}` });

/** Five credentials c0-c4 in that order; c1 and c3 disabled; c2 cools pro, c4's flash ended. */
async function seed(storage: StorageBackend) {
  await storage.upsertCredentials(
    NS,
    Array.from({ length: 5 }, (_, i) => ({ name: `c${i}.json`, data: data(i) })),
  );
  for (const name of ['c1.json', 'c3.json'])
    await storage.updateState(NS, name, { disabled: true });
  await storage.setModelCooldown(NS, 'c2.json', 'pro', NOW + 60);
  await storage.setModelCooldown(NS, 'c4.json', 'flash', NOW - 1);
}

/** CredentialStore.readRotationState: what every process's rotation index is loaded from. */
export function rotationStateGroup(ctx: ContractContext) {
  describe('rotation state', () => {
    it('reads the names in insertion order, the disabled names and the live cooldowns', async () => {
      await seed(ctx.storage);
      const state = await ctx.storage.readRotationState(NS, { now: NOW });
      expect(state.names).toEqual(['c0.json', 'c1.json', 'c2.json', 'c3.json', 'c4.json']);
      expect([...state.disabled].sort()).toEqual(['c1.json', 'c3.json']);
      expect(state.cooldowns).toEqual([{ name: 'c2.json', modelCooldowns: { pro: NOW + 60 } }]);
    });

    it('leaves the names out while no credential was added or removed, whoever changed what', async () => {
      await seed(ctx.storage);
      const other = await ctx.second();
      const { namesMark } = await other.readRotationState(NS, { now: NOW });
      expect(namesMark).not.toBeNull();
      // Everything a running gateway changes without adding or removing a credential.
      await ctx.storage.updateState(NS, 'c0.json', { disabled: true });
      await ctx.storage.setModelCooldown(NS, 'c0.json', 'pro', NOW + 30);
      await ctx.storage.recordFailure(NS, 'c1.json', {
        code: 429,
        modelKey: 'flash',
        cooldownUntil: NOW + 9,
      });
      await ctx.storage.recordSuccess(NS, 'c2.json', { modelKey: 'pro' });
      await ctx.storage.updateCredentialData(NS, 'c3.json', data(33));
      await ctx.storage.setConfig('calls_per_rotation', 3);
      const state = await other.readRotationState(NS, { now: NOW, namesMark });
      expect(state.namesMark).toBe(namesMark);
      expect(state.names).toBeUndefined();
      // The state itself is read afresh all the same.
      expect([...state.disabled].sort()).toEqual(['c0.json', 'c1.json', 'c3.json']);
      const cooldowns = [...state.cooldowns].sort((a, b) => a.name.localeCompare(b.name));
      expect(cooldowns).toEqual([
        { name: 'c0.json', modelCooldowns: { pro: NOW + 30 } },
        { name: 'c1.json', modelCooldowns: { flash: NOW + 9 } },
      ]);
    });

    it('moves the names mark on every add and delete, even when the count comes back', async () => {
      await seed(ctx.storage);
      const other = await ctx.second();
      let { namesMark, names: known = [] } = await other.readRotationState(NS, { now: NOW });
      const expectNames = async (what: string, names: string[]) => {
        const state = await other.readRotationState(NS, { now: NOW, namesMark });
        // Either every name, or (where the store can tell) only those appended to the known ones.
        const got = state.names ?? [...known, ...(state.appended ?? [])];
        expect({ what, names: got }).toEqual({ what, names });
        expect(state.namesMark).not.toBe(namesMark);
        ({ namesMark } = state);
        known = got;
      };
      await ctx.storage.upsertCredential(NS, 'c5.json', data(5));
      await expectNames('add', ['c0.json', 'c1.json', 'c2.json', 'c3.json', 'c4.json', 'c5.json']);
      await ctx.storage.upsertCredentials(NS, [
        { name: 'c7.json', data: data(7) },
        { name: 'c8.json', data: data(8) },
      ]);
      await ctx.storage.deleteCredential(NS, 'c8.json');
      await expectNames('add two, delete one of them', [
        ...['c0.json', 'c1.json', 'c2.json', 'c3.json', 'c4.json', 'c5.json', 'c7.json'],
      ]);
      await ctx.storage.deleteCredential(NS, 'c7.json');
      await ctx.storage.deleteCredential(NS, 'c2.json');
      await expectNames('delete', ['c0.json', 'c1.json', 'c3.json', 'c4.json', 'c5.json']);
      // One out, one in: as many names as before, and the last one replaced.
      await ctx.storage.deleteCredential(NS, 'c5.json');
      await ctx.storage.upsertCredential(NS, 'c6.json', data(6));
      await expectNames('replace the last', [
        'c0.json',
        'c1.json',
        'c3.json',
        'c4.json',
        'c6.json',
      ]);
      // A deleted credential added again goes to the end.
      await ctx.storage.deleteCredential(NS, 'c0.json');
      await ctx.storage.upsertCredentials(NS, [{ name: 'c0.json', data: data(0) }]);
      await expectNames('re-add', ['c1.json', 'c3.json', 'c4.json', 'c6.json', 'c0.json']);
    });
  });
}
