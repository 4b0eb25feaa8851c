#!/usr/bin/env node
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT } from './cli.errors';
import { registerStorageArchive } from './commands/storage-archive.command';
import { registerStorageInfo } from './commands/storage-info.command';
import { registerStorageMigrate } from './commands/storage-migrate.command';
import { registerStorageVerify } from './commands/storage-verify.command';

/** The `gcli2api` command line: `serve`, and `storage` info, migrate, verify, export, import. */
function program(): Command {
  const root = new Command('gcli2api')
    .description('gcli2api gateway: run the server, or move, back up and check its storage')
    .showHelpAfterError()
    .exitOverride();
  root
    .command('serve')
    .description('start the gateway server (as npm start does)')
    .action(async () => {
      await import('../main');
    });
  const storage = root
    .command('storage')
    .description('inspect, migrate, verify, export and import the stored credentials and settings');
  registerStorageInfo(storage);
  registerStorageMigrate(storage);
  registerStorageVerify(storage);
  registerStorageArchive(storage);
  for (const command of [storage, ...storage.commands]) command.exitOverride();
  return root;
}

async function main() {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    await program().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with 0; a missing command shows help too, as an error.
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    }
    throw err;
  }
}

void main();
