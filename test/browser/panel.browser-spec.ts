import { jest } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { installCodeAssist, quotaExceeded } from '../support/fake-code-assist';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google';
import {
  E2E_PANEL_PASSWORD,
  type GatewayProcess,
  startRunningGateway,
} from '../e2e/support/gateway-process';
import { describeInBrowser, launchChromium } from './support/chromium';
import { credential, credentialZip } from './support/credential-zip';
import {
  credentialRow,
  eventually,
  SESSION_KEY,
  waitForText as waitForTextIn,
} from './support/panel-page';
import { screenshot } from './support/screenshots';

const API_KEY = 'sk-browser-test';
const XSS_NAME = '<img src=x onerror=alert(1)>.json';
const CREDENTIALS = 200;
/** The 200 credentials, the XSS-named one and a broken file, all in one archive. */
const ZIP = credentialZip(CREDENTIALS, {
  [XSS_NAME]: JSON.stringify({ refresh_token: 'refresh-xss', client_id: 'c', client_secret: 's' }),
  'broken.json': '{ not json',
});
const STORED = CREDENTIALS + 1;
// A gateway and a browser start in beforeAll; each step waits on the page (up to 15 s).
jest.setTimeout(120_000);

/**
 * The control panel in a real Chromium against the built gateway (`dist/main.js`) on SQLite,
 * with the fake Google as its upstream: everything an operator does, in the order they would.
 * The tests share one page and build on each other.
 */
describeInBrowser('control panel in a browser', (executablePath) => {
  let google: FakeGoogle;
  let gateway: GatewayProcess;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    google = await startFakeGoogle();
    installCodeAssist(google).script(quotaExceeded(3600));
    gateway = await startRunningGateway({
      CODE_ASSIST_ENDPOINT: google.url,
      OAUTH_PROXY_URL: google.url,
      API_PASSWORD: API_KEY,
      // One attempt per request (so the 429 reaches the client), and a setting locked by env.
      RETRY_429_ENABLED: 'false',
    });
    browser = await launchChromium(executablePath);
    browser.context.setDefaultTimeout(15_000);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // Only the confirm() of deletions may open; an alert() would be the XSS firing.
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void (dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await google?.close();
  });

  const byTestId = (id: string) => page.getByTestId(id);
  const waitForText = (id: string, text: string | RegExp) => waitForTextIn(page, id, text);
  const row = (name: string) => credentialRow(page, name);

  it('refuses a wrong password, then logs in with the panel password', async () => {
    await page.goto(gateway.url);
    await screenshot(page, '01-login');
    await byTestId('password').fill('not-the-password');
    await byTestId('password').press('Enter');
    await waitForText('login-error', 'Wrong panel password');
    await byTestId('password').fill(E2E_PANEL_PASSWORD);
    await byTestId('password').press('Enter');
    await waitForText('stat-total', '0');
    // The session token is kept, never the password.
    const kept = (await page.evaluate('JSON.stringify({ ...localStorage })')) as string;
    expect(kept).toContain('token');
    expect(kept).not.toContain(E2E_PANEL_PASSWORD);
  });

  it('uploads a ZIP of 200 credentials and shows the result of every file', async () => {
    await byTestId('tab-add').click();
    await byTestId('file-input').setInputFiles({
      name: 'credentials.zip',
      mimeType: 'application/zip',
      buffer: ZIP,
    });
    await waitForText('import-summary', `${STORED} of ${STORED + 1} stored`);
    expect(await page.getByTestId('import-result').count()).toBe(STORED + 1);
    // The rejected file comes first, with its reason.
    const first = await byTestId('import-result').first().innerText();
    expect(first).toMatch(/credentials\.zip › broken\.json\s+rejected/);
    await screenshot(page, '02-upload-results');
  });

  it('imports pasted JSON and a dropped file into the antigravity namespace, apart from Gemini CLI', async () => {
    await byTestId('ns-antigravity').click();
    await byTestId('paste').fill(JSON.stringify([credential(900)]));
    await page.getByRole('button', { name: 'Import' }).click();
    await waitForText('import-summary', '1 of 1 stored');
    // A file dropped on the drop zone is uploaded like a picked one.
    const dropped = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(JSON.stringify(credential(901)))}], 'dropped.json'));
      return transfer;
    })()`);
    await byTestId('dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await waitForText('import-summary', '1 of 1 stored');
    await waitForText('import-result', 'dropped.json');
    await byTestId('tab-credentials').click();
    await waitForText('pager-range', '1–2 of 2');
    await byTestId('ns-geminicli').click();
  });

  it('shows totals and pages and filters on the server', async () => {
    await byTestId('tab-credentials').click();
    await waitForText('stat-total', String(STORED));
    await waitForText('pager-range', `1–50 of ${STORED}`);
    expect(await page.getByTestId('cred-row').count()).toBe(50);
    await byTestId('pager-next').click();
    await waitForText('pager-range', `51–100 of ${STORED}`);
    await byTestId('filter-limit').selectOption('20');
    await waitForText('pager-range', `1–20 of ${STORED}`);
    expect(await page.getByTestId('cred-row').count()).toBe(20);
    await byTestId('filter-status').selectOption('disabled');
    await waitForText('pager-range', '0–0 of 0');
    await byTestId('filter-status').selectOption('all');
    await waitForText('pager-range', `1–20 of ${STORED}`);
  });

  it('renders a credential named like HTML as text', async () => {
    await byTestId('filter-limit').selectOption('500');
    await row(XSS_NAME).waitFor();
    expect(await row(XSS_NAME).getByTestId('cred-name').innerText()).toBe(XSS_NAME);
    expect(await page.locator('table img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await byTestId('filter-limit').selectOption('20');
  });

  it('shows and downloads the stored data of one credential', async () => {
    await row('cred-001.json').getByRole('button', { name: 'View' }).click();
    await waitForText('detail', 'refresh-token-1');
    await page.getByRole('button', { name: 'Close' }).click();
    await byTestId('detail').waitFor({ state: 'detached' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row('cred-001.json').getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('cred-001.json');
  });

  it('disables one credential, which is still disabled after a reload', async () => {
    await row('cred-000.json').getByTestId('row-toggle').click();
    await row('cred-000.json').getByTestId('cred-state').filter({ hasText: 'disabled' }).waitFor();
    await page.reload();
    await row('cred-000.json').getByTestId('cred-state').filter({ hasText: 'disabled' }).waitFor();
    await byTestId('filter-status').selectOption('disabled');
    await waitForText('pager-range', '1–1 of 1');
    await byTestId('filter-status').selectOption('all');
  });

  it('disables and enables a page of credentials in one batch each', async () => {
    await waitForText('pager-range', `1–50 of ${STORED}`);
    await byTestId('select-page').check();
    await waitForText('batch-bar', '50 selected');
    await byTestId('batch-disable').click();
    await waitForText('banner', 'Disable: 50 of 50 succeeded');
    await byTestId('filter-status').selectOption('disabled');
    await waitForText('pager-range', `1–50 of 50`);
    await byTestId('select-page').check();
    await byTestId('batch-enable').click();
    await waitForText('banner', 'Enable: 50 of 50 succeeded');
    await waitForText('pager-range', '0–0 of 0');
    await byTestId('filter-status').selectOption('all');
  });

  it('shows a running cooldown countdown for a credential the upstream answered 429', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-2.5-pro',
        messages: [{ role: 'user', content: 'hello there' }],
      }),
    });
    expect(response.status).toBe(429);
    await byTestId('filter-cooldown').selectOption('in_cooldown');
    await waitForText('pager-range', '1–1 of 1');
    const cell = byTestId('cred-cooldowns').first();
    const before = await cell.innerText();
    // The model's quota group, and about an hour left.
    expect(before).toMatch(/^[\w.-]+: (59m \d\ds|1h 00m)/);
    await screenshot(page, '03-credentials-cooldown');
    // The countdown moves on by itself, without a reload.
    await byTestId('cred-cooldowns')
      .filter({ hasNotText: before })
      .first()
      .waitFor({ timeout: 5000 });
    await byTestId('filter-cooldown').selectOption('all');
  });

  it('shows env-locked settings read-only and a refused value beside its field', async () => {
    await byTestId('tab-settings').click();
    const locked = byTestId('setting-retry_429_enabled');
    await waitForText('setting-retry_429_enabled-locked', 'RETRY_429_ENABLED');
    expect(await locked.locator('input').isDisabled()).toBe(true);
    const retries = byTestId('setting-retry_429_max_retries').locator('input');
    await retries.fill('1000');
    await byTestId('settings-save').click();
    await waitForText('setting-retry_429_max_retries-error', 'must be at most 100');
    await screenshot(page, '04-settings-error', true);
    await retries.fill('7');
    await byTestId('settings-save').click();
    await waitForText('banner', 'Saved 1 setting(s)');
    await page.reload();
    await eventually(async () => (await retries.inputValue()) === '7');
  });

  it('says why the settings could not be loaded instead of loading for ever', async () => {
    await byTestId('tab-credentials').click();
    const refused = JSON.stringify({ statusCode: 503, message: 'Storage is unavailable' });
    await page.route('**/config/get', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: refused }),
    );
    try {
      await byTestId('tab-settings').click();
      await waitForText('banner', 'Storage is unavailable');
    } finally {
      await page.unroute('**/config/get');
    }
  });

  it('shows the storage in use and the live log', async () => {
    await byTestId('tab-status').click();
    await waitForText('storage-backend', 'sqlite');
    await waitForText('log-lines', 'Settings saved: retry_429_max_retries');
    await screenshot(page, '05-storage-logs');
  });

  it('switches to Chinese and back, and remembers the choice', async () => {
    await byTestId('lang').click();
    await waitForText('tab-credentials', '凭证管理');
    await page.reload();
    await waitForText('tab-settings', '配置');
    await byTestId('tab-credentials').click();
    await waitForText('pager-range', `共 ${STORED} 个`);
    await screenshot(page, '06-credentials-zh');
    await byTestId('lang').click();
    await waitForText('tab-credentials', 'Credentials');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await waitForText('pager-range', `of ${STORED}`);
    const overflow = (await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '07-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('returns to the login screen with a message when the session has ended', async () => {
    const session = JSON.parse(
      (await page.evaluate(`localStorage.getItem('${SESSION_KEY}')`)) as string,
    );
    const stale = JSON.stringify({ ...session, token: 'expired-token' });
    await page.evaluate(`localStorage.setItem('${SESSION_KEY}', ${JSON.stringify(stale)})`);
    await byTestId('refresh').click();
    await waitForText('login-notice', 'Your session has ended');
  });

  it('returns to the login screen when the session has passed its time (PANEL_SESSION_TTL)', async () => {
    await byTestId('password').fill(E2E_PANEL_PASSWORD);
    await byTestId('password').press('Enter');
    await waitForText('stat-total', String(STORED));
    const session = JSON.parse(
      (await page.evaluate(`localStorage.getItem('${SESSION_KEY}')`)) as string,
    );
    const past = JSON.stringify({
      ...session,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    await page.evaluate(`localStorage.setItem('${SESSION_KEY}', ${JSON.stringify(past)})`);
    await byTestId('refresh').click();
    await waitForText('login-notice', 'Your session has ended');
  });

  it('logs out, and the old session no longer works', async () => {
    await byTestId('password').fill(E2E_PANEL_PASSWORD);
    await byTestId('password').press('Enter');
    await waitForText('stat-total', String(STORED));
    const { token } = JSON.parse(
      (await page.evaluate(`localStorage.getItem('${SESSION_KEY}')`)) as string,
    ) as { token: string };
    await byTestId('logout').click();
    await waitForText('login-notice', 'You have logged out');
    const after = await fetch(`${gateway.url}/config/get`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
    expect(dialogs).toEqual([]);
  });
});
