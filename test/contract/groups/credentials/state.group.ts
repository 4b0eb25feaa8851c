import { StorageValidationError } from '../../../../src/storage/storage.errors';
import { MAX_SUCCESS_COUNT } from '../../../../src/storage/storage-validation';
import type { ContractContext } from '../../storage-target';

const data = { refresh_token: 'r', client_id: 'c', client_secret: 's' };

export function stateGroup(ctx: ContractContext) {
  describe('credential state', () => {
    beforeEach(async () => {
      await ctx.storage.upsertCredential('geminicli', 'a.json', data);
    });

    it('starts enabled, without errors, cooldowns, problem or a success it never had', async () => {
      await ctx.storage.upsertCredential('geminicli', 'new.json', data);
      const state = await ctx.storage.getState('geminicli', 'new.json');
      expect(state).toMatchObject({
        disabled: false,
        errorCodes: [],
        userEmail: null,
        modelCooldowns: {},
        callCount: 0,
        lastSuccess: null,
        problem: null,
      });
    });

    it('answers null or false for an unknown credential instead of inventing state', async () => {
      expect(await ctx.storage.getState('geminicli', 'nope.json')).toBeNull();
      expect(await ctx.storage.updateState('geminicli', 'nope.json', { disabled: true })).toBe(
        false,
      );
      expect(await ctx.storage.recordSuccess('geminicli', 'nope.json')).toBe(false);
      expect(await ctx.storage.recordFailure('geminicli', 'nope.json', { code: 500 })).toBe(false);
      expect(await ctx.storage.setModelCooldown('geminicli', 'nope.json', 'pro', 4e9)).toBe(false);
      expect(await ctx.storage.listCredentialNames('geminicli')).toEqual(['a.json']);
    });

    it('writes only the state fields it is given', async () => {
      expect(await ctx.storage.updateState('geminicli', 'a.json', { userEmail: 'x@y.z' })).toBe(
        true,
      );
      expect(await ctx.storage.updateState('geminicli', 'a.json', { disabled: true })).toBe(true);
      expect(await ctx.storage.updateState('geminicli', 'a.json', { lastSuccess: 123.5 })).toBe(
        true,
      );
      expect(await ctx.storage.updateState('geminicli', 'a.json', {})).toBe(true);
      expect(await ctx.storage.getState('geminicli', 'a.json')).toMatchObject({
        disabled: true,
        userEmail: 'x@y.z',
        lastSuccess: 123.5,
      });
      await ctx.storage.updateState('geminicli', 'a.json', { disabled: false, userEmail: null });
      expect(await ctx.storage.getState('geminicli', 'a.json')).toMatchObject({
        disabled: false,
        userEmail: null,
      });
    });

    it('records a success: last success, errors cleared, that model cooled no more, one more call', async () => {
      await ctx.storage.recordFailure('geminicli', 'a.json', {
        code: 429,
        modelKey: 'pro',
        cooldownUntil: 4e9,
      });
      await ctx.storage.recordFailure('geminicli', 'a.json', {
        code: 429,
        modelKey: 'flash',
        cooldownUntil: 4e9,
      });
      expect(
        await ctx.storage.recordSuccess('geminicli', 'a.json', {
          modelKey: 'pro',
          at: 1700000000.25,
        }),
      ).toBe(true);
      expect(await ctx.storage.getState('geminicli', 'a.json')).toMatchObject({
        lastSuccess: 1700000000.25,
        errorCodes: [],
        modelCooldowns: { flash: 4e9 },
        callCount: 1,
      });
    });

    it('records a batch of successes as one: count N adds N, last success at the given time', async () => {
      await ctx.storage.recordSuccess('geminicli', 'a.json', { count: 2 });
      await ctx.storage.recordFailure('geminicli', 'a.json', {
        code: 429,
        modelKey: 'pro',
        cooldownUntil: 4e9,
      });
      await ctx.storage.recordFailure('geminicli', 'a.json', { code: 500 });
      expect(
        await ctx.storage.recordSuccess('geminicli', 'a.json', {
          modelKey: 'pro',
          at: 1700000000.5,
          count: 250,
        }),
      ).toBe(true);
      expect(await ctx.storage.getState('geminicli', 'a.json')).toMatchObject({
        lastSuccess: 1700000000.5,
        errorCodes: [],
        modelCooldowns: {},
        callCount: 252,
      });
      expect((await ctx.storage.summarize('geminicli', { cooldown: 'in' })).total).toBe(0);
      expect((await ctx.storage.summarize('geminicli', { errorCode: 429 })).total).toBe(0);
      expect(await ctx.storage.recordSuccess('geminicli', 'nope.json', { count: 3 })).toBe(false);
    });

    it('refuses a success count that is not a positive integer within bounds', async () => {
      for (const count of [0, -1, 1.5, Number.NaN, MAX_SUCCESS_COUNT + 1, '2']) {
        await expect(
          ctx.storage.recordSuccess('geminicli', 'a.json', { count } as { count: number }),
        ).rejects.toBeInstanceOf(StorageValidationError);
      }
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.callCount).toBe(0);
    });

    it('gives exact counts under 200 concurrent successes and failures on one credential', async () => {
      const other = await ctx.second();
      const ops = Array.from({ length: 200 }, (_, i) => {
        const store = i % 2 ? ctx.storage : other;
        return i % 4 < 2
          ? store.recordSuccess('geminicli', 'a.json', { modelKey: 'pro' })
          : store.recordFailure('geminicli', 'a.json', { code: 400 + (i % 40) });
      });
      expect(await Promise.all(ops)).toEqual(Array(200).fill(true));
      const state = await ctx.storage.getState('geminicli', 'a.json');
      expect(state!.callCount).toBe(100);
      expect(new Set(state!.errorCodes).size).toBe(state!.errorCodes.length);
      expect(state!.errorCodes.length).toBeLessThanOrEqual(10);
    });

    it('counts 200 concurrent successes exactly, from two handles', async () => {
      const other = await ctx.second();
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          (i % 2 ? ctx.storage : other).recordSuccess('geminicli', 'a.json'),
        ),
      );
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.callCount).toBe(200);
    });

    it('keeps error codes distinct, most recent last, at most 10', async () => {
      for (const code of [500, 429, 500]) {
        await ctx.storage.recordFailure('geminicli', 'a.json', { code });
      }
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.errorCodes).toEqual([429, 500]);
      for (let code = 400; code < 412; code++) {
        await ctx.storage.recordFailure('geminicli', 'a.json', { code });
      }
      const expected = Array.from({ length: 10 }, (_, i) => 402 + i);
      expect((await ctx.storage.getState('geminicli', 'a.json'))!.errorCodes).toEqual(expected);
    });

    it('remembers no more than 10 codes even when 200 arrive at once', async () => {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          ctx.storage.recordFailure('geminicli', 'a.json', { code: 400 + (i % 50) }),
        ),
      );
      const codes = (await ctx.storage.getState('geminicli', 'a.json'))!.errorCodes;
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
    });

    it('sets and clears a model cooldown, and ignores expired ones', async () => {
      const now = 1_800_000_000;
      expect(await ctx.storage.setModelCooldown('geminicli', 'a.json', 'pro', now + 60)).toBe(true);
      await ctx.storage.setModelCooldown('geminicli', 'a.json', 'flash', now - 1);
      await ctx.storage.setModelCooldown('geminicli', 'a.json', 'gemini-2.5-pro', now + 120);
      expect((await ctx.storage.getState('geminicli', 'a.json', now))!.modelCooldowns).toEqual({
        pro: now + 60,
        'gemini-2.5-pro': now + 120,
      });
      expect((await ctx.storage.getState('geminicli', 'a.json', now + 61))!.modelCooldowns).toEqual(
        {
          'gemini-2.5-pro': now + 120,
        },
      );
      await ctx.storage.setModelCooldown('geminicli', 'a.json', 'pro', null);
      expect((await ctx.storage.getState('geminicli', 'a.json', now))!.modelCooldowns).toEqual({
        'gemini-2.5-pro': now + 120,
      });
    });

    it('records a failure with a cooldown for one model only', async () => {
      await ctx.storage.recordFailure('geminicli', 'a.json', {
        code: 429,
        modelKey: 'pro',
        cooldownUntil: 4e9,
      });
      expect(await ctx.storage.getState('geminicli', 'a.json')).toMatchObject({
        errorCodes: [429],
        modelCooldowns: { pro: 4e9 },
        callCount: 0,
      });
    });
  });
}
