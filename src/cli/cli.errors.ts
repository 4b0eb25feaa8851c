/**
 * The exit codes of the `gcli2api` command line, documented in the README. Scripts may rely on
 * them, so each value keeps its meaning.
 */
export const EXIT = {
  /** Done; for `verify`, both sides hold the same. */
  ok: 0,
  /** `verify` found differences. */
  differences: 1,
  /** The command line is wrong: unknown command or option, bad URL, bad value. */
  usage: 2,
  /** A storage server or file cannot be reached or opened. */
  unavailable: 3,
  /** The archive or source data is invalid, corrupt or truncated; nothing was written. */
  invalidData: 4,
  /** Anything else went wrong; the message says what. */
  failed: 5,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM after the current page; run again to resume. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the command line reports as one line and a specific exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong (exit code 2). */
export const usageError = (message: string) => new CliError(message, EXIT.usage);

/** Invalid input data: a bad archive or source row (exit code 4). */
export const invalidData = (message: string) => new CliError(message, EXIT.invalidData);
