/**
 * Hostile-input benchmark: small requests that once froze or crashed the gateway, each sent to
 * the built gateway (`dist/main.js`, SQLite, 100 credentials, a fake Code Assist in its own
 * process) while `/health/live` is polled every 100 ms. Prints, per request: the status, the
 * time to the answer, the gateway's peak resident memory, and the slowest `/health/live` answer
 * seen meanwhile. Run with `npm run build && npm run bench:hostile`.
 *
 * Knobs: BENCH_REF_LEVELS (default 20) the levels of the `$ref` bomb (2^levels nodes when
 * inlined: 23 took 149 s before the limits), BENCH_CASE_TIMEOUT_S (default 180) when to give up
 * on one request. A gateway that dies is reported, and the bench ends.
 */
import { panelLogin } from '../test/support/panel-login';
import {
  chatWithResponseSchema,
  chatWithToolParameters,
  geminiWithPartValue,
  nestedArrays,
  nestedSchemaText,
  refBombSchema,
} from '../test/support/hostile-bodies';
import { API_KEY, type BenchProcess, startFakeUpstream, startGateway } from './proxy/processes';
import { runBench } from './run-bench';

const LEVELS = Number(process.env.BENCH_REF_LEVELS ?? 20);
const CASE_TIMEOUT_MS = Number(process.env.BENCH_CASE_TIMEOUT_S ?? 180) * 1000;
const POLL_MS = 100;

interface Case {
  name: string;
  path: string;
  body: string;
  /** Settings saved before the request and restored after it. */
  settings?: Record<string, unknown>;
}

const OPENAI = '/v1/chat/completions';
const GEMINI = '/v1beta/models/gemini-2.5-flash:generateContent';

const CASES: Case[] = [
  {
    name: `tool schema, $ref bomb of ${LEVELS} levels`,
    path: OPENAI,
    body: chatWithToolParameters(JSON.stringify(refBombSchema(LEVELS))),
  },
  {
    name: 'Gemini part, 5000 nested arrays',
    path: GEMINI,
    body: geminiWithPartValue(nestedArrays(5000)),
  },
  {
    name: 'tool parameters nested 2000 levels',
    path: OPENAI,
    body: chatWithToolParameters(nestedSchemaText(2000)),
  },
  {
    name: 'response_format schema nested 2000 levels',
    path: OPENAI,
    body: chatWithResponseSchema(nestedSchemaText(2000)),
  },
  {
    name: 'plain call after upstream_idle_timeout: 16.1',
    path: GEMINI,
    body: geminiWithPartValue('1'),
    settings: { upstream_idle_timeout: 16.1, upstream_first_byte_timeout: 1.005 },
  },
];

async function main() {
  const upstream = await startFakeUpstream();
  const gateway = await startGateway(upstream.url, 'sqlite', {});
  try {
    const auth = await panelLogin(gateway.url, 'bench-panel');
    console.log(`| request | bytes | status | time | peak RSS | slowest /health/live |`);
    console.log(`|---|---|---|---|---|---|`);
    for (const test of CASES) {
      if (test.settings) await save(gateway.url, auth, test.settings);
      const row = await measure(gateway, test);
      console.log(
        `| ${test.name} | ${test.body.length} | ${row.status} | ${row.ms} ms | ${row.peakMiB} MiB | ${row.healthMs} ms |`,
      );
      if (row.status === 'gateway died') break;
      if (test.settings) {
        await save(gateway.url, auth, {
          upstream_idle_timeout: 300,
          upstream_first_byte_timeout: 300,
        });
      }
    }
  } finally {
    await gateway.stop();
    await upstream.stop();
  }
}

async function save(url: string, auth: Record<string, string>, config: Record<string, unknown>) {
  const response = await fetch(`${url}/config/save`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ config }),
  });
  if (response.status !== 200) throw new Error(`config/save: ${await response.text()}`);
}

async function measure(gateway: BenchProcess, test: Case) {
  let peak = gateway.rssMiB() ?? 0;
  let healthMs = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      const started = Date.now();
      await fetch(`${gateway.url}/health/live`, {
        signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
      }).catch(() => undefined);
      healthMs = Math.max(healthMs, Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  const memory = setInterval(() => (peak = Math.max(peak, gateway.rssMiB() ?? 0)), POLL_MS / 2);
  const started = Date.now();
  const status = await fetch(`${gateway.url}${test.path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${API_KEY}`,
      'x-goog-api-key': API_KEY,
    },
    body: test.body,
    signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
  }).then(
    async (response) => `${response.status} ${(await response.text()).slice(0, 160)}`,
    (err: Error) => (gateway.rssMiB() === undefined ? 'gateway died' : `no answer (${err.name})`),
  );
  const ms = Date.now() - started;
  done = true;
  clearInterval(memory);
  await poll;
  return { status, ms, peakMiB: Math.round(peak), healthMs };
}

runBench(main);
