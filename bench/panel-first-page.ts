/**
 * Control panel bench: how long the panel takes to show its first page of credentials with
 * 10,000 of them in storage, in a real Chromium against the built gateway (`dist/main.js`, run
 * `npm run build` first) on SQLite. Times, over several fresh page loads (session already
 * stored, as when an operator comes back): from navigation to the first 50 rows and the total
 * on screen; and the `/creds/status` call alone, unfiltered and with each filter.
 * Run with `npm run bench:panel`; it fails when the median first page takes 1 s or more.
 */
import { chromiumPath, launchChromium } from '../test/browser/support/chromium';
import { credentialZip } from '../test/browser/support/credential-zip';
import { logIn, waitForText } from '../test/browser/support/panel-page';
import { E2E_PANEL_PASSWORD, startRunningGateway } from '../test/e2e/support/gateway-process';
import { runBench } from './run-bench';

const CREDENTIALS = 10_000;
const LOADS = 7;
const BUDGET_MS = 1000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function main() {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium is not installed (.ci/install-services.sh)');
  const gateway = await startRunningGateway();
  const browser = await launchChromium(executablePath);
  try {
    const auth = await gateway.login();
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(credentialZip(CREDENTIALS))]), 'bench.zip');
    const upload = await fetch(`${gateway.url}/auth/upload`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    const stored = ((await upload.json()) as { uploaded_count?: number }).uploaded_count;
    if (stored !== CREDENTIALS) throw new Error(`stored ${stored} of ${CREDENTIALS} credentials`);

    const page = await browser.context.newPage();
    await logIn(page, gateway.url, E2E_PANEL_PASSWORD);
    const loads: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const started = performance.now();
      await page.goto(gateway.url, { waitUntil: 'commit' });
      await waitForText(page, 'stat-total', '10,000');
      await waitForText(page, 'pager-range', '1–50 of 10,000');
      loads.push(performance.now() - started);
    }

    const status: Record<string, string> = {};
    for (const [name, query] of [
      ['unfiltered', ''],
      ['disabled', '&status_filter=disabled'],
      ['error 429', '&error_code_filter=429'],
      ['in cooldown', '&cooldown_filter=in_cooldown'],
      ['last page', `&offset=${CREDENTIALS - 50}`],
    ]) {
      const times: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const started = performance.now();
        const response = await fetch(`${gateway.url}/creds/status?limit=50${query}`, {
          headers: auth,
        });
        await response.arrayBuffer();
        times.push(performance.now() - started);
      }
      status[name] = ms(median(times));
    }

    const first = median(loads);
    console.log(`Control panel, ${CREDENTIALS.toLocaleString('en-US')} credentials on SQLite:`);
    console.log(`  first page in the browser: median ${ms(first)} (${loads.map(ms).join(', ')})`);
    console.log(`  GET /creds/status?limit=50, median of ${LOADS}:`);
    for (const [name, time] of Object.entries(status)) console.log(`    ${name}: ${time}`);
    if (first >= BUDGET_MS) {
      console.error(`FAIL: the first page took ${ms(first)}, over the ${ms(BUDGET_MS)} budget`);
      process.exitCode = 1;
    }
  } finally {
    await browser.close();
    await gateway.stop();
  }
}

runBench(main);
