import type { Command } from 'commander';
import { EXIT } from '../cli.errors';
import { runCommand } from '../run-command';
import { describeVerify } from '../transfer/verify-report';
import { verify } from '../transfer/verify.runner';
import {
  jsonOption,
  namespaceOption,
  onlyOption,
  pageSizeOption,
  reporterFor,
  selection,
  type SharedFlags,
} from './command-options';
import { openSource } from './open-source';

interface VerifyFlags extends SharedFlags {
  from: string;
  to: string;
  pageSize: number;
}

/** `storage verify --from A --to B`: exit code 0 only when both hold the same. */
export function registerStorageVerify(storage: Command) {
  storage
    .command('verify')
    .description('compare two stores (or a store and a backup): counts, checksums, differences')
    .requiredOption('--from <url|path>', 'one side: storage URL, SQLite file or backup .zip')
    .requiredOption('--to <url|path>', 'the other side: storage URL, SQLite file or backup .zip')
    .addOption(onlyOption())
    .addOption(namespaceOption())
    .addOption(pageSizeOption())
    .option('--from-key-prefix <prefix>', 'Valkey/Redis key prefix of --from')
    .option('--to-key-prefix <prefix>', 'Valkey/Redis key prefix of --to')
    .addOption(jsonOption())
    .action(runCommand((flags: VerifyFlags) => run(flags)));
}

async function run(flags: VerifyFlags) {
  const reporter = reporterFor(flags);
  const from = await openSource(flags.from, '--from', flags.fromKeyPrefix);
  try {
    const to = await openSource(flags.to, '--to', flags.toKeyPrefix);
    try {
      const options = { ...selection(flags), pageSize: flags.pageSize };
      const report = await verify(from, to, options, reporter);
      reporter.result({ ...report }, describeVerify(report));
      return report.equal ? EXIT.ok : EXIT.differences;
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}
