import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gatewayNodeFlags, nodeFlagsOf, startScripts } from '../support/launch-flags';

/** The exec-form CMD of the Dockerfile's final stage, as its arguments. */
function dockerCommand(): string[] {
  const dockerfile = readFileSync(resolve('Dockerfile'), 'utf8');
  const commands = [...dockerfile.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].map((m) => m[1]);
  return JSON.parse(commands[commands.length - 1]) as string[];
}

/**
 * Every way the project starts the gateway (npm start, start:prod, start:dev, the container
 * image) runs it with the same Node flags, and those cap V8's young generation: on a box of
 * 512 MiB, Node would otherwise give it 1 MiB a half, and the gateway would spend about twice
 * the CPU per request collecting it (README, "Memory on a small box").
 */
describe('how the gateway is launched', () => {
  it('runs with the same Node flags from every start command and the image', () => {
    const flags = gatewayNodeFlags();
    expect(flags).toContain('--max-semi-space-size=8');
    for (const script of Object.values(startScripts())) {
      expect(nodeFlagsOf(script)).toEqual(flags);
    }
    const docker = dockerCommand();
    expect(docker[0]).toBe('node');
    expect(nodeFlagsOf(docker.join(' '))).toEqual(flags);
  });

  it('reads the flags of a command, and refuses one that does not start dist/main.js', () => {
    expect(nodeFlagsOf('tsc -p x.json && node --a=1 --b dist/main.js')).toEqual(['--a=1', '--b']);
    expect(nodeFlagsOf('node dist/main.js')).toEqual([]);
    expect(() => nodeFlagsOf('node dist/cli/main.js')).toThrow(/no "node … dist\/main.js"/);
  });
});
