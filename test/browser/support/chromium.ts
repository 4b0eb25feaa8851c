import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';
import { tempDir } from '../../support/temp-dir';

/**
 * The system Chromium (Debian's `chromium` package; `.ci/install-services.sh` installs it), or
 * CHROMIUM_PATH when set. `null` when there is none.
 */
export function chromiumPath(): string | null {
  if (process.env.CHROMIUM_PATH) {
    return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not on PATH: try the next name
    }
  }
  return null;
}

/**
 * `describe` for browser specs: without Chromium they are skipped with a loud notice, unless
 * STORAGE_TEST_REQUIRE_ALL=1 (CI), where the missing browser fails the run instead.
 */
export function describeInBrowser(name: string, body: (executablePath: string) => void): void {
  const path = chromiumPath();
  if (path) {
    describe(name, () => body(path));
    return;
  }
  const reason = 'chromium is not installed (run .ci/install-services.sh, or set CHROMIUM_PATH)';
  if (process.env.STORAGE_TEST_REQUIRE_ALL === '1') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`STORAGE_TEST_REQUIRE_ALL=1 but ${reason}`);
      });
    });
    return;
  }
  process.stderr.write(`\n!!! SKIPPING browser suite "${name}": ${reason}\n\n`);
  describe.skip(name, () => body(''));
}

/** A headless Chromium with a fresh profile; `close()` also removes the profile. */
export async function launchChromium(
  executablePath: string,
  viewport = { width: 1280, height: 860 },
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = tempDir('gcli-chromium-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      profile.remove();
    },
  };
}
