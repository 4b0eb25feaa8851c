import type { StorageSelection } from '../storage/select-backend';

/**
 * Why the default password `pwd` is refused while storage is degraded: a password saved in the
 * backend that could not be reached must not silently turn back into `pwd`.
 */
export function degradedDefaultRefusal(
  selection: StorageSelection,
  what: 'panel' | 'API',
  envHint: string,
): string {
  return (
    `The ${what} password is the default 'pwd' while storage is degraded ` +
    `(${selection.requested} could not be reached; using ${selection.active}), so a password ` +
    `saved in ${selection.requested} cannot be checked. Restore ${selection.requested} and ` +
    `restart, or set ${envHint} in the environment.`
  );
}
