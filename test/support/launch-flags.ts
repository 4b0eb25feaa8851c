import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The Node flags `npm start` runs the gateway with: what comes between `node` and
 * `dist/main.js` in package.json's `start` script. Tests and benches that start the built
 * gateway pass them too, so they run it as users do. Paths are read from the working directory,
 * the project's root.
 */
export function gatewayNodeFlags(): string[] {
  return nodeFlagsOf(startScripts().start);
}

/**
 * The Node flags a bench starts the gateway with: `npm start`'s, or those of `override` (the
 * bench's BENCH_NODE_FLAGS, space-separated; empty for none) when it is set.
 */
export function benchNodeFlags(override: string | undefined): string[] {
  return override === undefined ? gatewayNodeFlags() : override.split(/\s+/).filter(Boolean);
}

/** package.json's scripts that start the gateway. */
export function startScripts(): Record<'start' | 'start:prod' | 'start:dev', string> {
  const { scripts } = JSON.parse(readFileSync(resolve('package.json'), 'utf8'));
  return {
    start: scripts.start,
    'start:prod': scripts['start:prod'],
    'start:dev': scripts['start:dev'],
  };
}

/** The flags of the `node … dist/main.js` command in a script or a command line; throws without one. */
export function nodeFlagsOf(command: string): string[] {
  const match = /(?:^|&&\s*)node\s+((?:--?\S+\s+)*)dist\/main\.js\b/.exec(command);
  if (!match) throw new Error(`no "node … dist/main.js" in ${JSON.stringify(command)}`);
  return match[1].split(/\s+/).filter(Boolean);
}
