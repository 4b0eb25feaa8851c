import { Option } from 'commander';
import { NAMESPACES, type Namespace } from '../../storage/storage-backend.interface';
import { ProgressReporter } from '../progress.reporter';

/** The flags several storage commands share, as commander hands them over. */
export interface SharedFlags {
  json?: boolean;
  only?: 'credentials' | 'settings';
  namespace?: Namespace;
  fromKeyPrefix?: string;
  toKeyPrefix?: string;
}

export const onlyOption = () =>
  new Option('--only <what>', 'copy only credentials or only settings').choices([
    'credentials',
    'settings',
  ]);

export const namespaceOption = () =>
  new Option('--namespace <ns>', 'only this credential namespace').choices([...NAMESPACES]);

export const jsonOption = () =>
  new Option('--json', 'print JSON lines (progress events and one result) for scripts');

export const pageSizeOption = () =>
  new Option('--page-size <n>', 'credentials read and written per page')
    .default(500)
    .argParser((value) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) {
        throw new Error('--page-size must be an integer from 1 to 10000');
      }
      return n;
    });

/** What the shared flags select. */
export function selection(flags: SharedFlags) {
  return {
    namespaces: flags.namespace ? [flags.namespace] : [...NAMESPACES],
    credentials: flags.only !== 'settings',
    settings: flags.only !== 'credentials' && !flags.namespace,
  };
}

export const reporterFor = (flags: SharedFlags) =>
  new ProgressReporter(ProgressReporter.modeFor(flags.json === true));
