import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** Where browser specs save screenshots (git-ignored): test artefacts, not committed. */
export const SCREENSHOT_DIR = resolve('.tmp/screenshots');

/** Saves the page as `.tmp/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** Saves one part of the page (a card, a dialog) as `.tmp/screenshots/<name>.png`. */
export async function screenshotOf(part: Locator, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await part.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}
