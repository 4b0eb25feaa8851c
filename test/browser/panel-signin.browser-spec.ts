import { jest } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google';
import { type FakeAccounts, installFakeAccounts } from '../support/fake-google-accounts';
import type { AuthHeaders } from '../support/panel-login';
import {
  E2E_PANEL_PASSWORD,
  freePort,
  type GatewayProcess,
  startRunningGateway,
} from '../e2e/support/gateway-process';
import { consent, fakeGoogleEnv } from '../e2e/support/signin-browser';
import { describeInBrowser, launchChromium } from './support/chromium';
import { credentialRow, eventually, logIn, waitForText } from './support/panel-page';
import { screenshot, screenshotOf } from './support/screenshots';

jest.setTimeout(120_000);

const GOOGLE_CONSENT = 'https://accounts.google.com/o/oauth2/auth';

/**
 * Adding Google accounts from the panel in a real Chromium, against the built gateway whose
 * Google URLs all point at the fake Google: the sign-in through the gateway's callback listener
 * and by pasting the address, then what the credentials list says about a credential that
 * cannot serve. The tests share one page and build on each other.
 */
describeInBrowser('control panel: Google sign-in and credential problems', (executablePath) => {
  let google: FakeGoogle;
  let accounts: FakeAccounts;
  let gateway: GatewayProcess;
  let auth: AuthHeaders;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let aliceFile = '';

  beforeAll(async () => {
    google = await startFakeGoogle();
    accounts = installFakeAccounts(google);
    gateway = await startRunningGateway({
      ...fakeGoogleEnv(google),
      OAUTH_CALLBACK_PORT: String(await freePort()),
    });
    auth = await gateway.login();
    browser = await launchChromium(executablePath);
    browser.context.setDefaultTimeout(15_000);
    // Google's consent screen is the fake's: it signs in at once and redirects to the callback.
    await browser.context.route(`${GOOGLE_CONSENT}?**`, async (route) => {
      const callback = await consent(google, route.request().url());
      await route.fulfill({ status: 302, headers: { location: callback } });
    });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await logIn(page, gateway.url, E2E_PANEL_PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await google?.close();
  });

  const byTestId = (id: string) => page.getByTestId(id);

  it('signs in through the link and the callback listener, and reports the credential added', async () => {
    accounts.add({ email: 'alice@example.com', project: 'alice-proj' });
    await byTestId('tab-add').click();
    await byTestId('signin-start').click();
    const link = byTestId('signin-link');
    expect(await link.getAttribute('href')).toMatch(
      /^https:\/\/accounts\.google\.com\/o\/oauth2\//,
    );
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    await waitForText(page, 'signin-result', 'Waiting for Google');

    const [tab] = await Promise.all([browser.context.waitForEvent('page'), link.click()]);
    await tab.getByText('You can close this window').waitFor();
    await tab.close();

    // The panel polls the sign-in's status until it is done.
    await waitForText(page, 'signin-result', 'Signed in: credential added');
    expect(await byTestId('signin-email').innerText()).toBe('alice@example.com');
    aliceFile = await byTestId('signin-filename').innerText();
    expect(aliceFile).toMatch(/^alice-proj-\d+\.json$/);
  });

  it('finishes a second sign-in from the pasted address, and says which step refuses it twice', async () => {
    accounts.add({ email: 'bob@example.com', project: 'bob-proj' });
    await byTestId('signin-project').fill('bobs-own-project');
    await byTestId('signin-start').click();
    await waitForText(page, 'signin-result', 'Waiting for Google');
    // What a browser on another machine ends on: the callback address, unreachable from there.
    const callback = await consent(google, (await byTestId('signin-link').getAttribute('href'))!);
    await byTestId('signin-paste').fill(callback);
    await byTestId('signin-paste-submit').click();
    await waitForText(page, 'signin-result', 'Signed in: credential added');
    await waitForText(page, 'signin-email', 'bob@example.com');
    await waitForText(page, 'signin-result', 'bobs-own-project');
    await screenshotOf(byTestId('signin'), '08-signin-completed');

    await byTestId('signin-paste').fill(callback);
    await byTestId('signin-paste-submit').click();
    await waitForText(page, 'signin-result', 'Sign-in failed while checking the sign-in state');
    await waitForText(page, 'signin-result', 'already finished');
    await screenshotOf(byTestId('signin'), '09-signin-failed');

    await byTestId('lang').click();
    await waitForText(page, 'signin', '使用 Google 登录');
    await waitForText(page, 'signin-result', '登录失败，步骤：校验登录状态');
    await byTestId('lang').click();
    await waitForText(page, 'signin', 'Sign in with Google');
  });

  it('shows why a credential cannot serve, filters on it, and heals it with "verify project"', async () => {
    const account = accounts.add({
      email: 'np@example.com',
      refreshToken: '1//np-refresh',
      codeAssist: 'fail',
      projects: [],
    });
    const form = new FormData();
    form.append('files', new Blob([JSON.stringify({ refresh_token: '1//np-refresh' })]), 'np.json');
    const upload = await fetch(`${gateway.url}/auth/upload`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    expect(upload.status).toBe(200);

    await byTestId('tab-credentials').click();
    const problem = credentialRow(page, 'np.json').getByTestId('cred-problem');
    // Discovery runs after the upload; the row says "no project" once it has given up.
    await eventually(async () => {
      await byTestId('refresh').click();
      const text = await problem.innerText().catch(() => '');
      return /no project/.test(text) && !/discovery is running/.test(text);
    });
    await screenshot(page, '10-credentials-problem');

    await byTestId('filter-problem').selectOption('no_project');
    await waitForText(page, 'pager-range', '1–1 of 1');
    await byTestId('filter-problem').selectOption('none');
    await waitForText(page, 'pager-range', '1–2 of 2');
    expect(await credentialRow(page, 'np.json').count()).toBe(0);
    await byTestId('filter-problem').selectOption('any');
    await waitForText(page, 'pager-range', '1–1 of 1');

    await credentialRow(page, 'np.json').getByTestId('row-verify-project').click();
    await waitForText(page, 'banner', /^np\.json: .*project/);
    account.codeAssist = 'current';
    account.project = 'np-found';
    await credentialRow(page, 'np.json').getByTestId('row-verify-project').click();
    await waitForText(page, 'banner', 'Verified np.json: project np-found');
    await waitForText(page, 'pager-range', '0–0 of 0');
    await byTestId('filter-problem').selectOption('all');
    await waitForText(page, 'pager-range', '1–3 of 3');
    expect(await problem.count()).toBe(0);
  });

  it('reads the e-mail of a credential with "fetch e-mail"', async () => {
    await credentialRow(page, aliceFile).getByTestId('row-fetch-email').click();
    await waitForText(page, 'banner', `E-mail of ${aliceFile}: alice@example.com`);
  });
});
