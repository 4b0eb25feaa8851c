import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** Where browser specs save screenshots (git-ignored): test artefacts, not committed. */
export const SCREENSHOT_DIR = resolve('.tmp/screenshots');

/** Saves the page as `.tmp/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}
