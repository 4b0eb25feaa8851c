import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import {
  E2E_PANEL_PASSWORD,
  type GatewayProcess,
  startRunningGateway,
} from '../e2e/support/gateway-process';
import { describeInBrowser, launchChromium } from './support/chromium';
import { credentialZip } from './support/credential-zip';
import { credentialRow, logIn, waitForText } from './support/panel-page';

jest.setTimeout(120_000);

const redisUrl = process.env.TEST_REDIS_URL;

/** The same panel on Valkey/Redis: what it shows comes from that storage, not the browser. */
describeInBrowser('control panel in a browser, on Valkey/Redis', (executablePath) => {
  // The global setup starts Redis; without it (and outside CI) there is nothing to run against.
  const maybe = redisUrl ? it : it.skip;
  let gateway: GatewayProcess;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    if (!redisUrl) return;
    gateway = await startRunningGateway({
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `panel-${randomBytes(6).toString('hex')}:`,
    });
    browser = await launchChromium(executablePath);
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  maybe('uploads, disables and still shows the credential disabled after a reload', async () => {
    await logIn(page, gateway.url, E2E_PANEL_PASSWORD);
    await page.getByTestId('tab-add').click();
    await page.getByTestId('file-input').setInputFiles({
      name: 'credentials.zip',
      mimeType: 'application/zip',
      buffer: credentialZip(30),
    });
    await waitForText(page, 'import-summary', '30 of 30 stored');
    await page.getByTestId('tab-credentials').click();
    await waitForText(page, 'pager-range', '1–30 of 30');
    await credentialRow(page, 'cred-007.json').getByTestId('row-toggle').click();
    await page.reload();
    const state = credentialRow(page, 'cred-007.json').getByTestId('cred-state');
    await state.filter({ hasText: 'disabled' }).waitFor();
    await page.getByTestId('tab-status').click();
    await waitForText(page, 'storage-backend', 'valkey');
  });

  maybe('drops a credential deleted from its row out of the selection', async () => {
    await page.getByTestId('tab-credentials').click();
    await waitForText(page, 'pager-range', '1–30 of 30');
    await page.getByTestId('select-page').check();
    await waitForText(page, 'batch-bar', '30 selected');
    page.once('dialog', (dialog) => void dialog.accept());
    await credentialRow(page, 'cred-011.json').getByTestId('row-delete').click();
    await waitForText(page, 'pager-range', '1–29 of 29');
    await waitForText(page, 'batch-bar', '29 selected');
    await page.getByTestId('batch-enable').click();
    await waitForText(page, 'banner', 'Enable: 29 of 29 succeeded');
  });
});
