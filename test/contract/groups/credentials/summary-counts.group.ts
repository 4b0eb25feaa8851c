import type { StorageBackend } from '../../../../src/storage/storage-backend.interface';
import type { ContractContext } from '../../storage-target';

const NOW = 1_800_000_000;
/** More than two thousand credentials, so that pages and counts cross several count buckets. */
const COUNT = 2_200;
const name = (i: number) => `n${String(i).padStart(4, '0')}.json`;

/** What the writes below leave, worked out here, to compare every page and total against. */
function model() {
  const live = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 80 !== 0);
  const disabled = (i: number) => i % 40 === 0 || i % 53 === 6;
  const problem = (i: number) => i % 31 === 3 && i % 62 !== 3;
  const cooling = (i: number) => i % 47 === 4;
  const failed = (i: number) => i % 37 === 2;
  return { live, disabled, problem, cooling, failed };
}

/** Runs the writes in parallel, alternating between two handles on the same store. */
async function concurrently(
  stores: readonly StorageBackend[],
  writes: ReadonlyArray<(store: StorageBackend) => Promise<unknown>>,
) {
  for (let start = 0; start < writes.length; start += 64) {
    const batch = writes.slice(start, start + 64);
    await Promise.all(batch.map((write, i) => write(stores[i % stores.length])));
  }
}

export function summaryCountsGroup(ctx: ContractContext) {
  describe('credential summary totals under change', () => {
    it('keeps totals and deep pages exact through deletes, repeated and concurrent writes', async () => {
      const m = model();
      const stores = [ctx.storage, await ctx.second()];
      const all = Array.from({ length: COUNT }, (_, i) => i);
      const items = all.map((i) => ({ name: name(i), data: { refresh_token: `r${i}` } }));
      await ctx.storage.upsertCredentials('geminicli', items);
      const writes: Array<(store: StorageBackend) => Promise<unknown>> = [];
      for (const i of all) {
        const n = name(i);
        // Disabled twice (the second write changes nothing), or disabled and enabled again.
        if (m.disabled(i)) {
          writes.push((s) => s.updateState('geminicli', n, { disabled: true }));
          writes.push((s) => s.updateState('geminicli', n, { disabled: true }));
        } else if (i % 53 === 0) {
          writes.push((s) => s.updateState('geminicli', n, { disabled: true }));
        }
        if (i % 31 === 3) {
          const problem = { code: 'no_project', message: 'none', at: NOW };
          writes.push((s) => s.updateState('geminicli', n, { problem }));
        }
        if (m.cooling(i)) writes.push((s) => s.setModelCooldown('geminicli', n, 'pro', NOW + 100));
        if (m.failed(i) || i % 80 === 0)
          writes.push((s) => s.recordFailure('geminicli', n, { code: 429 }));
      }
      await concurrently(stores, writes);
      // Enabled again, and problems cleared again.
      const again = all.filter((i) => i % 53 === 0 && !m.disabled(i));
      const solved = all.filter((i) => i % 62 === 3);
      await concurrently(stores, [
        ...again.map(
          (i) => (s: StorageBackend) => s.updateState('geminicli', name(i), { disabled: false }),
        ),
        ...solved.map(
          (i) => (s: StorageBackend) => s.updateState('geminicli', name(i), { problem: null }),
        ),
      ]);
      // Deleted: disabled credentials with errors, which every count held.
      const deleted = all.filter((i) => i % 80 === 0);
      await concurrently(
        stores,
        deleted.map((i) => (s) => s.deleteCredential('geminicli', name(i))),
      );

      const page = (query: object) =>
        ctx.storage.summarize('geminicli', { limit: 7, now: NOW, ...query });
      const expected = (keep: (i: number) => boolean, offset: number) => {
        const matching = m.live.filter(keep);
        return { total: matching.length, names: matching.slice(offset, offset + 7).map(name) };
      };
      const check = async (query: object, keep: (i: number) => boolean, offset: number) => {
        const got = await page({ ...query, offset });
        expect({ total: got.total, names: got.items.map((item) => item.name) }).toEqual(
          expected(keep, offset),
        );
        return got;
      };
      const disabledCount = m.live.filter(m.disabled).length;
      const first = await check({}, () => true, 2_165);
      expect(first.stats).toEqual({
        total: m.live.length,
        enabled: m.live.length - disabledCount,
        disabled: disabledCount,
      });
      await check({}, () => true, 1_020);
      await check({ status: 'enabled' }, (i) => !m.disabled(i), 1_800);
      await check({ status: 'disabled' }, m.disabled, 40);
      await check({ errorCode: 429 }, m.failed, 30);
      await check({ status: 'enabled', errorCode: 429 }, (i) => m.failed(i) && !m.disabled(i), 20);
      const healthy = (i: number) => !m.disabled(i) && !m.cooling(i) && !m.problem(i);
      await check({ status: 'enabled', cooldown: 'out', problem: 'none' }, healthy, 1_300);
      await check({ cooldown: 'in', modelKey: 'pro' }, m.cooling, 40);
      await check({ problem: 'none' }, (i) => !m.problem(i), 2_000);
      await check({ problem: 'any' }, m.problem, 30);
      const beyond = await page({ status: 'enabled', offset: 5_000 });
      expect(beyond.items).toEqual([]);
      expect(beyond.total).toBe(m.live.length - disabledCount);
    }, 180_000);
  });
}
