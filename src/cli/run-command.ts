import { redactSecrets } from '../common/redact-url';
import { EnvValidationError } from '../env/env.schema';
import { StorageUnavailableError, StorageValidationError } from '../storage/storage.errors';
import { CliError, EXIT, type ExitCode } from './cli.errors';

/** Set by the first Ctrl-C or SIGTERM; long commands stop after the current page. */
export const stopSignal = { requested: false };

/**
 * Runs a command's action: its resolved value is the exit code. A `stoppable` command checks
 * `stopSignal` between pages. Every failure becomes one
 * `gcli2api: <reason>` line on stderr (passwords masked) and the exit code of its kind.
 */
export function runCommand<A extends unknown[]>(
  action: (...args: A) => Promise<ExitCode>,
  options: { stoppable?: boolean } = {},
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    let code: ExitCode;
    try {
      // Commands that only read keep Node's default: Ctrl-C ends them at once.
      if (options.stoppable) watchSignals();
      code = await action(...args);
    } catch (err) {
      code = exitCodeOf(err);
      process.stderr.write(`gcli2api: ${messageOf(err)}\n`);
    }
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(code);
  };
}

function watchSignals() {
  const onSignal = () => {
    // A second signal means "now": the journal makes even that resumable.
    if (stopSignal.requested) process.exit(EXIT.interrupted);
    stopSignal.requested = true;
    process.stderr.write('Stopping after the current page (press Ctrl-C again to stop now)...\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof EnvValidationError) return EXIT.usage;
  if (err instanceof StorageUnavailableError) return EXIT.unavailable;
  if (err instanceof StorageValidationError) return EXIT.invalidData;
  return EXIT.failed;
}

function messageOf(err: unknown): string {
  if (err instanceof EnvValidationError) {
    return `invalid environment: ${err.problems.join('; ')}`;
  }
  const text = err instanceof Error ? err.message : String(err);
  // One line: driver messages sometimes span several.
  return redactSecrets(text).replace(/\s*\n\s*/g, ' ');
}
