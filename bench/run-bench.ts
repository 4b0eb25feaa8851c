/**
 * Runs a bench's entry point and ends the process when it settles: with the exit code the bench
 * set (0 unless it set one), or 1 after printing the error that stopped it. Ending explicitly
 * matters: pools and timers of the clients under test would otherwise keep it alive.
 */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
