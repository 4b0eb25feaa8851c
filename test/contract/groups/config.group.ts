import type { ContractContext } from '../storage-target';

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
  });
}
