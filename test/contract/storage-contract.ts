import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { credentialGroup } from './groups/credentials.group';
import { restoreGroup } from './groups/restore.group';
import { stateGroup } from './groups/state.group';
import { summaryGroup } from './groups/summary.group';
import { configGroup } from './groups/config.group';
import { entriesGroup } from './groups/entries.group';
import { lifecycleGroup } from './groups/lifecycle.group';
import { problemGroup } from './groups/problem.group';
import { usageGroup } from './groups/usage.group';
import type { ContractContext, StorageTarget } from './storage-target';

export type { StorageTarget } from './storage-target';

const GROUPS = [
  credentialGroup,
  stateGroup,
  restoreGroup,
  summaryGroup,
  configGroup,
  entriesGroup,
  lifecycleGroup,
  problemGroup,
  usageGroup,
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
    let another: (() => Promise<StorageBackend>) | undefined;
    const extra: StorageBackend[] = [];
    const ctx: ContractContext = {
      target,
      get storage() {
        if (!current) throw new Error('no store: used outside a test');
        return current;
      },
      second: async () => {
        if (!another) throw new Error('no store: used outside a test');
        const handle = await another();
        extra.push(handle);
        return handle;
      },
    };

    beforeEach(async () => {
      ({ storage: current, another } = await target.create());
    });
    afterEach(async () => {
      for (const handle of [current, ...extra.splice(0)]) await handle?.close().catch(() => {});
      current = undefined;
      await target.cleanup?.();
    });

    for (const group of GROUPS) group(ctx);
    extras?.(ctx);
  });
}
