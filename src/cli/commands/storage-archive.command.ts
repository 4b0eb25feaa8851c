import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ArchiveSource } from '../archive/archive.source';
import { EXIT, usageError } from '../cli.errors';
import { runCommand, stopSignal } from '../run-command';
import { CliStore } from '../storage/cli-storage.adapter';
import { parseLocation } from '../storage/storage-location';
import { exportArchive } from '../transfer/export.runner';
import {
  jsonOption,
  namespaceOption,
  onlyOption,
  pageSizeOption,
  reporterFor,
  selection,
  type SharedFlags,
} from './command-options';
import { isArchivePath, openSource } from './open-source';
import { migrateAndReport } from './storage-migrate.command';

interface ExportFlags extends SharedFlags {
  to: string;
  from?: string;
  force?: boolean;
  pageSize: number;
}

interface ImportFlags extends SharedFlags {
  from: string;
  to?: string;
  dryRun?: boolean;
  overwrite?: boolean;
  pageSize: number;
}

/** `storage export --to backup.zip` and `storage import --from backup.zip`. */
export function registerStorageArchive(storage: Command) {
  storage
    .command('export')
    .description('write credentials (with state) and settings to a portable backup archive')
    .requiredOption('--to <file.zip>', 'the backup archive to write')
    .option('--from <url|path>', 'the store to back up (default: the one the environment selects)')
    .option('--force', 'replace an existing archive')
    .addOption(onlyOption())
    .addOption(namespaceOption())
    .addOption(pageSizeOption())
    .option('--from-key-prefix <prefix>', 'Valkey/Redis key prefix of the store')
    .addOption(jsonOption())
    .action(runCommand((flags: ExportFlags) => runExport(flags), { stoppable: true }));
  storage
    .command('import')
    .description(
      'restore a backup archive; the whole archive is checked before anything is written',
    )
    .requiredOption('--from <file.zip>', 'the backup archive to read')
    .option(
      '--to <url|path>',
      'the store to restore into (default: the one the environment selects)',
    )
    .option('--dry-run', 'check the archive, show what would change and write nothing')
    .option('--overwrite', 'replace credentials and settings that differ in the store')
    .addOption(onlyOption())
    .addOption(namespaceOption())
    .addOption(pageSizeOption())
    .option('--to-key-prefix <prefix>', 'Valkey/Redis key prefix of the store')
    .addOption(jsonOption())
    .action(runCommand((flags: ImportFlags) => runImport(flags), { stoppable: true }));
}

async function runExport(flags: ExportFlags) {
  const reporter = reporterFor(flags);
  const path = resolve(flags.to);
  if (!isArchivePath(flags.to)) throw usageError('--to: the backup file name must end in .zip');
  if (!existsSync(dirname(path)))
    throw usageError(`--to: the directory ${dirname(path)} does not exist`);
  if (existsSync(path) && !flags.force)
    throw usageError(`--to: ${path} exists (use --force to replace it)`);
  const source = flags.from
    ? await openSource(flags.from, '--from', flags.fromKeyPrefix)
    : await CliStore.openFromEnv();
  try {
    reporter.note(`Exporting ${source.shown} to ${path}`);
    const backend = source instanceof CliStore ? source.kind : 'python-valkey';
    const manifest = await exportArchive(
      source,
      path,
      { ...selection(flags), pageSize: flags.pageSize, backend, stop: stopSignal },
      reporter,
    );
    if (!manifest) {
      reporter.result({ interrupted: true }, ['Interrupted: no archive was written.']);
      return EXIT.interrupted;
    }
    const lines = Object.entries(manifest.entries).map(
      ([entry, e]) =>
        `${entry}: ${e.count} ${entry.endsWith('.jsonl') ? 'credentials' : 'settings'}, sha256 ${e.sha256.slice(0, 12)}`,
    );
    reporter.result({ archive: path, manifest }, [...lines, `Done: ${path} written.`]);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}

async function runImport(flags: ImportFlags) {
  const reporter = reporterFor(flags);
  if (!isArchivePath(flags.from)) throw usageError('--from: the backup file name must end in .zip');
  const path = resolve(flags.from);
  if (!existsSync(path)) throw usageError(`--from: no such file ${path}`);
  const to = flags.to ? parseLocation(flags.to, '--to', false) : undefined;
  reporter.note(`Checking ${path}`);
  const source = await ArchiveSource.open(path);
  const target = to
    ? await CliStore.open(to, { keyPrefix: flags.toKeyPrefix })
    : await CliStore.openFromEnv();
  try {
    reporter.note(`Importing into ${target.shown}${flags.dryRun ? ' (dry run)' : ''}`);
    return await migrateAndReport(source, target, flags, reporter);
  } finally {
    await target.close();
  }
}
