import type { Page } from 'playwright-core';

/** Where the panel keeps its session (panel/src/api/session.ts). */
export const SESSION_KEY = 'gcli2api.panel.session';

/** Waits until the first element with `data-testid=id` contains `text`. */
export function waitForText(page: Page, id: string, text: string | RegExp): Promise<void> {
  return page.getByTestId(id).filter({ hasText: text }).first().waitFor();
}

/** The credential row of `name` (names may hold any character, quotes excepted). */
export function credentialRow(page: Page, name: string) {
  return page.locator(`tr[data-name=${JSON.stringify(name)}]`);
}

/** Opens the panel at `url` and logs in; resolves once the credentials view shows. */
export async function logIn(page: Page, url: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('password').press('Enter');
  await page.getByTestId('credentials-view').waitFor();
}

/** Waits until `check` holds, polling for up to 10 s. */
export async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (const started = Date.now(); !(await check());) {
    if (Date.now() - started > 10_000) throw new Error('condition not met in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
