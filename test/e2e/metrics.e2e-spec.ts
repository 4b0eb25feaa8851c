import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { quotaExceeded, textReply } from '../support/fake-code-assist';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

const METRICS_TOKEN = 'metrics-token-0123456789';

type Family = { name: string; type: string; metrics: Array<Record<string, any>> };

/** A scrape: the raw text, and its families as the Prometheus text parser reads them. */
type Scrape = { text: string; families: Family[] };

const hasLabels = (actual: Record<string, string> | undefined, wanted: Record<string, string>) =>
  Object.entries(wanted).every(([key, value]) => actual?.[key] === value);

/** The value of counter or gauge `name` with `labels` (0 when there is none). */
function sample(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  const family = scrape.families.find((f) => f.name === name);
  const match = family?.metrics.find((m) => hasLabels(m.labels, labels));
  return match ? Number(match.value) : 0;
}

/**
 * The `_count` of histogram `name` with `labels`. The parser keeps no labels of histogram
 * samples, so these are read from the text, which the parser has accepted.
 */
function histogramCount(scrape: Scrape, name: string, labels: Record<string, string>): number {
  for (const line of scrape.text.split('\n')) {
    const match = new RegExp(`^${name}_count\\{(.*)\\} (\\S+)$`).exec(line);
    if (!match) continue;
    const actual = Object.fromEntries(
      [...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (hasLabels(actual, labels)) return Number(match[2]);
  }
  return 0;
}

describe('GET /metrics', () => {
  let g: ModelGateway;

  beforeAll(async () => {
    g = await startModelGateway(3, { METRICS_TOKEN });
  }, 60_000);
  afterAll(() => g.close());
  beforeEach(() => g.assist.reset());

  const scrape = async (): Promise<Scrape> => {
    const response = await fetch(`${g.app.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    return { text, families: parsePrometheusTextFormat(text) as Family[] };
  };

  const chat = () =>
    fetch(`${g.app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });

  it('needs METRICS_TOKEN or a panel session', async () => {
    const without = await fetch(`${g.app.url}/metrics`);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${g.app.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-token-wrong-000000' },
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${g.app.url}/metrics`, { headers: g.app.auth })).status).toBe(200);
  }, 60_000);

  it('counts requests, upstream attempts and retries as calls are made', async () => {
    const before = await scrape();
    g.assist.script(quotaExceeded(60), textReply('hello'));
    expect((await chat()).status).toBe(200);
    g.assist.script(textReply('again'));
    expect((await chat()).status).toBe(200);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    const timed = (name: string, labels: Record<string, string>) =>
      histogramCount(after, name, labels) - histogramCount(before, name, labels);
    const route = { method: 'POST', route: '/v1/chat/completions', status: '200' };
    expect(delta('gcli_http_requests_total', route)).toBe(2);
    expect(timed('gcli_http_request_duration_seconds', route)).toBe(2);
    const model = { model: 'gemini-2.5-flash' };
    expect(delta('gcli_upstream_attempts_total', { ...model, outcome: 'success' })).toBe(2);
    expect(delta('gcli_upstream_attempts_total', { ...model, outcome: '429' })).toBe(1);
    expect(delta('gcli_upstream_retries_total', model)).toBe(1);
    expect(timed('gcli_upstream_attempt_duration_seconds', { ...model, outcome: '429' })).toBe(1);
  }, 60_000);

  it('reports the pool per namespace, storage health and timings, and process metrics', async () => {
    const families = await scrape();
    expect(histogramCount(families, 'gcli_http_request_duration_seconds', {})).toBeGreaterThan(0);
    const pool = (state: string) =>
      sample(families, 'gcli_credentials', { namespace: 'geminicli', state });
    expect(pool('total')).toBe(3);
    expect(pool('enabled')).toBe(3);
    expect(pool('disabled')).toBe(0);
    expect(sample(families, 'gcli_credentials', { namespace: 'antigravity', state: 'total' })).toBe(
      0,
    );
    expect(sample(families, 'gcli_storage_up', { backend: 'sqlite' })).toBe(1);
    expect(
      histogramCount(families, 'gcli_storage_operation_duration_seconds', {
        backend: 'sqlite',
        operation: 'summarize',
        outcome: 'ok',
      }),
    ).toBeGreaterThan(0);
    expect(families.families.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'gcli_process_cpu_user_seconds_total',
        'gcli_nodejs_heap_size_used_bytes',
      ]),
    );
  }, 60_000);

  it('counts token refreshes by outcome', async () => {
    const before = await scrape();
    const expired = new Date(Date.now() - 60_000).toISOString();
    for (const c of g.credentials) {
      const data = (await g.app.storage.getCredential('geminicli', c.name))!;
      await g.app.storage.upsertCredential('geminicli', c.name, { ...data, expiry: expired });
    }
    g.assist.script(textReply('fresh'));
    const refreshes = async () =>
      sample(await scrape(), 'gcli_token_refreshes_total', { outcome: 'success' }) -
      sample(before, 'gcli_token_refreshes_total', { outcome: 'success' });
    // The pool notices the stored change within a second (its change feed); until then it
    // still uses the tokens it knows.
    for (let tries = 0; tries < 10 && (await refreshes()) === 0; tries++) {
      expect((await chat()).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(await refreshes()).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('never uses credential names or secrets as label values', async () => {
    const text = await (
      await fetch(`${g.app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    for (const c of g.credentials) {
      expect(text).not.toContain(c.name);
      expect(text).not.toContain(c.token);
    }
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(METRICS_TOKEN);
  }, 60_000);
});
