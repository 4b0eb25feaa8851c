import { StorageValidationError } from '../../../../src/storage/storage.errors';
import type { ContractContext } from '../../storage-target';

const VALUES: Array<[string, unknown]> = [
  ['string', 'abc'],
  ['string-false', 'false'],
  ['boolean-false', false],
  ['boolean-true', true],
  ['string-123', '123'],
  ['number', 123],
  ['float', 0.25],
  ['negative', -7],
  ['null', null],
  ['empty-string', ''],
  ['quoted', '"quoted"'],
  ['json-text', '{"a":1}'],
  ['array', [1, 'two', false, null, { three: 3 }]],
  ['object', { nested: { list: [403, 429], on: true }, text: 'x' }],
  ['empty-object', {}],
  ['unicode', '密码 ✓'],
];

export function configGroup(ctx: ContractContext) {
  describe('config', () => {
    it.each(VALUES)('round-trips a %s value exactly', async (key, value) => {
      await ctx.storage.setConfig(key, value);
      expect(await ctx.storage.getConfig(key)).toStrictEqual(value);
      const other = await ctx.second();
      expect(await other.getConfig(key)).toStrictEqual(value);
    });

    it('returns every value from getAllConfig, exactly', async () => {
      for (const [key, value] of VALUES) await ctx.storage.setConfig(key, value);
      expect(await ctx.storage.getAllConfig()).toStrictEqual(Object.fromEntries(VALUES));
    });

    it('overwrites and deletes keys; a missing key is undefined', async () => {
      expect(await ctx.storage.getConfig('k')).toBeUndefined();
      await ctx.storage.setConfig('k', 1);
      await ctx.storage.setConfig('k', 'two');
      expect(await ctx.storage.getConfig('k')).toBe('two');
      expect(await ctx.storage.deleteConfig('k')).toBe(true);
      expect(await ctx.storage.deleteConfig('k')).toBe(false);
      expect(await ctx.storage.getConfig('k')).toBeUndefined();
      expect(await ctx.storage.getAllConfig()).toEqual({});
    });

    it('refuses values that would not round-trip', async () => {
      await expect(ctx.storage.setConfig('k', undefined)).rejects.toThrow(/undefined/);
      await expect(ctx.storage.setConfig('k', Number.NaN)).rejects.toThrow(/finite/);
      await expect(ctx.storage.setConfig('k', new Date())).rejects.toThrow(/plain object/);
      expect(await ctx.storage.getConfig('k')).toBeUndefined();
    });

    it('saves several settings and removes others in one call', async () => {
      await ctx.storage.setConfig('keep', 'old');
      await ctx.storage.setConfig('drop', 1);
      await ctx.storage.setConfig('flag', true);
      const set = {
        flag: 'false',
        number: 42,
        array: [1, 'two', null],
        object: { nested: { on: true }, list: [403] },
        none: null,
      };
      await ctx.storage.updateConfig(set, ['drop']);
      const other = await ctx.second();
      expect(await other.getAllConfig()).toStrictEqual({ keep: 'old', ...set });
    });

    it('rejects the whole update when one value cannot be stored, writing nothing', async () => {
      await ctx.storage.setConfig('a', 1);
      await ctx.storage.setConfig('b', 'x');
      const bad: Array<[Record<string, unknown>, string[]]> = [
        [{ c: 2, nan: Number.NaN, d: 'y' }, ['a']],
        [{ c: 2, when: new Date() }, []],
        [{ c: 2, missing: undefined }, ['b']],
        [{ c: 2, deep: { list: [1, Infinity] } }, []],
        [{ c: 2, a: 3 }, ['a']],
        [{ c: 2, '': 'empty key' }, []],
        [{ c: 2 }, ['']],
      ];
      for (const [set, remove] of bad) {
        await expect(ctx.storage.updateConfig(set, remove)).rejects.toBeInstanceOf(
          StorageValidationError,
        );
      }
      const other = await ctx.second();
      expect(await other.getAllConfig()).toStrictEqual({ a: 1, b: 'x' });
    });

    it('bumps the change marker once per update', async () => {
      const other = await ctx.second();
      const before = await other.changeVersion();
      await ctx.storage.updateConfig({ a: 1, b: 2, c: 3 }, ['d']);
      // Every backend raises the marker by one per bump, so "once" is exactly one more.
      expect(await other.changeVersion()).toBe(before + 1);
      await ctx.storage.updateConfig({}, []);
      await ctx.storage.updateConfig({});
      expect(await other.changeVersion()).toBe(before + 1);
    });
  });
}
