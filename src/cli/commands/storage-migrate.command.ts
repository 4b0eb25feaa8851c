import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../cli.errors';
import { runCommand, stopSignal } from '../run-command';
import { CliStore } from '../storage/cli-storage.adapter';
import { parseLocation } from '../storage/storage-location';
import { describeMigration } from '../transfer/migrate-report';
import { migrate } from '../transfer/migrate.runner';
import type { TransferSource } from '../transfer/transfer.types';
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

interface MigrateFlags extends SharedFlags {
  from: string;
  to: string;
  dryRun?: boolean;
  overwrite?: boolean;
  pageSize: number;
}

/** `storage migrate --from A --to B`: every namespace's credentials with state, and settings. */
export function registerStorageMigrate(storage: Command) {
  storage
    .command('migrate')
    .description('copy credentials (with their state) and settings from one backend to another')
    .requiredOption(
      '--from <url|path>',
      'source: storage URL or SQLite file (also the Python gcli2api layouts)',
    )
    .requiredOption('--to <url|path>', 'target: storage URL or SQLite file')
    .option('--dry-run', 'show what would change and write nothing')
    .option('--overwrite', 'replace credentials and settings that differ on the target')
    .addOption(onlyOption())
    .addOption(namespaceOption())
    .addOption(pageSizeOption())
    .option('--from-key-prefix <prefix>', 'Valkey/Redis key prefix of the source')
    .option('--to-key-prefix <prefix>', 'Valkey/Redis key prefix of the target')
    .addOption(jsonOption())
    .action(runCommand((flags: MigrateFlags) => run(flags), { stoppable: true }));
}

async function run(flags: MigrateFlags) {
  const reporter = reporterFor(flags);
  const to = parseLocation(flags.to, '--to', false);
  const source = await openSource(flags.from, '--from', flags.fromKeyPrefix);
  try {
    const target = await CliStore.open(to, { keyPrefix: flags.toKeyPrefix });
    try {
      reporter.note(
        `Migrating from ${source.shown} to ${target.shown}${flags.dryRun ? ' (dry run)' : ''}`,
      );
      return await migrateAndReport(source, target, flags, reporter);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** What `migrate` and `import` share: run the migration into `target` and report its outcome. */
export async function migrateAndReport(
  source: TransferSource,
  target: CliStore,
  flags: SharedFlags & { dryRun?: boolean; overwrite?: boolean; pageSize: number },
  reporter: ReturnType<typeof reporterFor>,
): Promise<ExitCode> {
  const report = await migrate(
    source,
    target,
    {
      ...selection(flags),
      dryRun: flags.dryRun === true,
      overwrite: flags.overwrite === true,
      pageSize: flags.pageSize,
      stop: stopSignal,
    },
    reporter,
  );
  reporter.result({ ...report }, describeMigration(report, target.shown));
  return report.interrupted ? EXIT.interrupted : EXIT.ok;
}
