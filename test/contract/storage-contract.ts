import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { FrozenClock } from '../support/frozen-clock';
import { changeFeedGroup } from './groups/changes/change-feed.group';
import { credentialGroup } from './groups/credentials/credentials.group';
import { problemGroup } from './groups/credentials/problem.group';
import { restoreGroup } from './groups/credentials/restore.group';
import { rotationStateGroup } from './groups/credentials/rotation-state.group';
import { rulesGroup } from './groups/credentials/rules.group';
import { stateGroup } from './groups/credentials/state.group';
import { summaryGroup } from './groups/credentials/summary.group';
import { summaryCountsGroup } from './groups/credentials/summary-counts.group';
import { entriesGroup } from './groups/ephemeral/entries.group';
import { lifecycleGroup } from './groups/lifecycle/lifecycle.group';
import { configGroup } from './groups/settings/config.group';
import { usageGroup } from './groups/usage/usage.group';
import type { ContractContext, StorageTarget, StoreOptions } from './storage-target';

export type { StorageTarget } from './storage-target';

type Group = (ctx: ContractContext) => void;

/** The groups of each role store (src/storage/stores), then the whole backend's lifecycle. */
const ROLES: ReadonlyArray<[string, Group[]]> = [
  [
    'credential store',
    [
      credentialGroup,
      stateGroup,
      restoreGroup,
      summaryGroup,
      summaryCountsGroup,
      rotationStateGroup,
      problemGroup,
      rulesGroup,
    ],
  ],
  ['settings store', [configGroup]],
  ['ephemeral store', [entriesGroup]],
  ['change feed', [changeFeedGroup]],
  ['usage store', [usageGroup]],
  ['lifecycle', [lifecycleGroup]],
];

/**
 * The behaviour every storage backend must show, run against a real server. A target whose
 * server is missing is skipped with one loud notice, or fails under STORAGE_TEST_REQUIRE_ALL=1.
 */
export function describeStorageContract(
  target: StorageTarget,
  extras?: (ctx: ContractContext) => void,
) {
  const reason = target.unavailable();
  if (reason && process.env.STORAGE_TEST_REQUIRE_ALL === '1') {
    throw new Error(
      `${target.name} is required (STORAGE_TEST_REQUIRE_ALL=1) but unavailable: ${reason}`,
    );
  }
  if (reason) {
    process.stderr.write(`\n!!! SKIPPING the ${target.name} storage contract: ${reason}\n\n`);
  }
  const describeOrSkip = reason ? describe.skip : describe;

  describeOrSkip(`${target.name} storage contract`, () => {
    let current: StorageBackend | undefined;
    let another: ((options: StoreOptions) => Promise<StorageBackend>) | undefined;
    let clock: FrozenClock | undefined;
    const extra: StorageBackend[] = [];
    const ctx: ContractContext = {
      target,
      get storage() {
        if (!current) throw new Error('no store: used outside a test');
        return current;
      },
      get clock() {
        if (!clock) throw new Error('no clock: used outside a test');
        return clock;
      },
      second: async (options = {}) => {
        if (!another || !clock) throw new Error('no store: used outside a test');
        const handle = await another({ clock, ...options });
        extra.push(handle);
        return handle;
      },
    };

    beforeEach(async () => {
      clock = new FrozenClock();
      ({ storage: current, another } = await target.create({ clock }));
    });
    afterEach(async () => {
      for (const handle of [current, ...extra.splice(0)]) await handle?.close().catch(() => {});
      current = undefined;
      await target.cleanup?.();
    });

    for (const [role, groups] of ROLES) {
      describe(role, () => {
        for (const group of groups) group(ctx);
      });
    }
    extras?.(ctx);
  });
}
