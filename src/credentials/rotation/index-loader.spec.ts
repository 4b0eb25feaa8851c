import { join } from 'node:path';
import { SqliteBackend } from '../../storage/backends/sqlite.backend';
import { ValidatedStorage } from '../../storage/validated-storage';
import { tempDir } from '../../../test/support/temp-dir';
import { loadSnapshot } from './index-loader';
import { RotationIndex } from './rotation-index';

const NS = 'geminicli';
const NOW = Date.now() / 1000;

/** Two handles on one real SQLite file: this process, and another gateway process. */
describe('loadSnapshot', () => {
  const dir = tempDir('gcli-index-loader-');
  let mine: ValidatedStorage;
  let other: ValidatedStorage;
  const open = async () => {
    const storage = new ValidatedStorage(new SqliteBackend({ file: join(dir.path, 'c.db') }));
    await storage.connect();
    return storage;
  };
  const load = async (previous?: RotationIndex) =>
    new RotationIndex(await loadSnapshot(mine, NS, previous), previous);
  const picks = (index: RotationIndex, n: number) =>
    Array.from({ length: n }, () => index.pick('pro', Date.now() / 1000, 1));

  beforeEach(async () => {
    mine = await open();
    other = await open();
    const names = ['c0.json', 'c1.json', 'c2.json', 'c3.json'];
    await mine.upsertCredentials(
      NS,
      names.map((name) => ({ name, data: { refresh_token: 'r' } })),
    );
  });
  afterEach(async () => {
    await mine.close();
    await other.close();
    dir.remove();
  });

  it('reuses the names after another process changed only state, and sees the state', async () => {
    const first = await load();
    await other.updateState(NS, 'c1.json', { disabled: true });
    await other.setModelCooldown(NS, 'c2.json', 'pro', NOW + 600);
    await other.setConfig('calls_per_rotation', 2);
    const second = await load(first);
    // The very same array: the 100,000-name listing was skipped.
    expect(second.names).toBe(first.names);
    expect(picks(second, 3)).toEqual(['c0.json', 'c3.json', 'c0.json']);
  });

  it('appends the names another process added, and the previous index keeps its own', async () => {
    const first = await load();
    await other.upsertCredentials(NS, [
      { name: 'c4.json', data: { refresh_token: 'r' } },
      { name: 'c5.json', data: { refresh_token: 'r' } },
    ]);
    await other.updateState(NS, 'c4.json', { disabled: true });
    const second = await load(first);
    expect(second.names).toEqual([
      'c0.json',
      'c1.json',
      'c2.json',
      'c3.json',
      'c4.json',
      'c5.json',
    ]);
    expect(picks(second, 6)).toEqual([
      'c0.json',
      'c1.json',
      'c2.json',
      'c3.json',
      'c5.json',
      'c0.json',
    ]);
    // Still usable while a reload runs: it never sees the names it does not hold.
    expect(first.isEligible('c5.json', 'pro', NOW)).toBe(false);
    expect(picks(first, 5)).toEqual(['c0.json', 'c1.json', 'c2.json', 'c3.json', 'c0.json']);
  });

  it('lists the names again after another process added or deleted a credential', async () => {
    const first = await load();
    await other.deleteCredential(NS, 'c1.json');
    await other.upsertCredential(NS, 'c4.json', { refresh_token: 'r' });
    const second = await load(first);
    expect(second.names).toEqual(['c0.json', 'c2.json', 'c3.json', 'c4.json']);
    // A deleted credential added again comes back, at the end.
    await other.deleteCredential(NS, 'c0.json');
    await other.upsertCredential(NS, 'c0.json', { refresh_token: 'r' });
    const third = await load(second);
    expect(third.names).toEqual(['c2.json', 'c3.json', 'c4.json', 'c0.json']);
    expect(picks(third, 4)).toEqual(['c2.json', 'c3.json', 'c4.json', 'c0.json']);
  });
});
