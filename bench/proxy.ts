/**
 * Proxy benchmark: requests per second and p50/p99 latency through the built gateway versus
 * straight to a fake Code Assist upstream, non-streaming and streaming, with 1 and 64 concurrent
 * clients, on SQLite and on Redis (valkey). Run with `npm run build && npm run bench:proxy`.
 *
 * Three processes share the machine: this one (the load generator, undici keep-alive pools with
 * one connection per client), the fake upstream (`bench/proxy/fake-upstream.ts`, canned answers,
 * no delays) and `node dist/main.js` with 100 valid Gemini CLI credentials, seeded through the
 * panel's text import. Every request reads its whole answer and must be 200. Each figure pools two
 * rounds of BENCH_SECONDS / 2 (after a 1 s warm-up each), run in the order upstream, Gemini route,
 * OpenAI route, Anthropic route, then the reverse, so that drift in machine load weighs on all
 * alike. The added latency is the gateway's percentile minus the upstream's.
 *
 * Targets (issue text): added p50 <= 1 ms and added p99 <= 5 ms at 1 client; at 64 clients the
 * gateway sustains at least half the upstream's own request rate (Gemini route, both modes). A
 * miss is reported, not fatal; the process fails only on errors.
 *
 * Knobs: BENCH_ONLY=sqlite,valkey picks backends, BENCH_SECONDS (default 5) the length of one
 * figure, BENCH_REDIS_URL a running Redis to use instead of starting one (keys go under a unique
 * REDIS_KEY_PREFIX and are left there), BENCH_GATEWAY_MAIN another build's `main.js` to compare
 * against (e.g. the commit before a change), BENCH_LOG_LEVEL the gateway's LOG_LEVEL (default
 * warn; `info` adds the access log line of each model call).
 */
import { availableParallelism, cpus } from 'node:os';
import { startRedis, type ServerHandle } from '../test/support/servers';
import { check, type Figures, openPool, run, summarize, type Target } from './proxy/load';
import {
  API_KEY,
  type BenchProcess,
  CREDENTIALS,
  startFakeUpstream,
  startGateway,
} from './proxy/processes';
import { runBench } from './run-bench';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_MS = 1_000;
const CLIENTS = [1, 64] as const;
const MODES = ['non-stream', 'stream'] as const;
const ONLY = process.env.BENCH_ONLY?.split(',');
const BACKENDS = (['sqlite', 'valkey'] as const).filter((kind) => !ONLY || ONLY.includes(kind));

type Mode = (typeof MODES)[number];
type Route = 'gemini' | 'openai' | 'anthropic';

interface Row {
  mode: Mode;
  route: Route;
  clients: number;
  upstream: Figures;
  gateway: Figures;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const CONTENTS = [{ role: 'user', parts: [{ text: 'Hello' }] }];

function targets(
  upstream: string,
  gateway: string,
  mode: Mode,
): Record<'upstream' | Route, Target> {
  const stream = mode === 'stream';
  const gemini = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  const messages = [{ role: 'user', content: 'Hello' }];
  return {
    upstream: {
      origin: upstream,
      path: `/v1internal:${gemini}`,
      headers: { ...JSON_TYPE, authorization: 'Bearer tok0' },
      body: JSON.stringify({
        model: 'gemini-2.5-pro',
        project: 'p0',
        request: { contents: CONTENTS },
      }),
      expect: 'finishReason',
    },
    gemini: {
      origin: gateway,
      path: `/v1beta/models/gemini-2.5-pro:${gemini}`,
      headers: { ...JSON_TYPE, 'x-goog-api-key': API_KEY },
      body: JSON.stringify({ contents: CONTENTS }),
      expect: 'finishReason',
    },
    openai: {
      origin: gateway,
      path: '/v1/chat/completions',
      headers: { ...JSON_TYPE, authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ model: 'gemini-2.5-pro', messages, ...(stream ? { stream } : {}) }),
      expect: stream ? 'data: [DONE]' : '"choices"',
    },
    anthropic: {
      origin: gateway,
      path: '/v1/messages',
      headers: { ...JSON_TYPE, 'x-api-key': API_KEY },
      body: JSON.stringify({
        model: 'gemini-2.5-pro',
        max_tokens: 1024,
        messages,
        ...(stream ? { stream } : {}),
      }),
      expect: stream ? 'event: message_stop' : '"end_turn"',
    },
  };
}

/** Measures the targets in rounds A B C, C B A; returns one pooled figure per target. */
async function measure(list: Target[], clients: number): Promise<Figures[]> {
  const pools = list.map((target) => openPool(target.origin, clients));
  try {
    await Promise.all(list.map((target, i) => check(pools[i], target)));
    const samples = list.map(() => [] as Awaited<ReturnType<typeof run>>[]);
    const order = [...list.keys()];
    for (const round of [order, [...order].reverse()]) {
      for (const i of round) {
        await run(pools[i], list[i], clients, WARMUP_MS);
        samples[i].push(await run(pools[i], list[i], clients, (SECONDS * 1000) / 2));
      }
    }
    return samples.map(summarize);
  } finally {
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}

async function benchBackend(upstream: BenchProcess, gateway: BenchProcess): Promise<Row[]> {
  const rows: Row[] = [];
  for (const mode of MODES) {
    for (const clients of CLIENTS) {
      const t = targets(upstream.url, gateway.url, mode);
      const [up, gemini, openai, anthropic] = await measure(
        [t.upstream, t.gemini, t.openai, t.anthropic],
        clients,
      );
      rows.push({ mode, route: 'gemini', clients, upstream: up, gateway: gemini });
      rows.push({ mode, route: 'openai', clients, upstream: up, gateway: openai });
      rows.push({ mode, route: 'anthropic', clients, upstream: up, gateway: anthropic });
    }
  }
  return rows;
}

const ms = (value: number) => value.toFixed(2);

function printTable(backend: string, rows: Row[], rssMiB: number | undefined) {
  console.log(`\n## ${backend}\n`);
  console.log(
    '| mode | route | clients | rps upstream | rps gateway | ratio | p50/p99 upstream (ms) | ' +
      'p50/p99 gateway (ms) | added p50/p99 (ms) | errors |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { mode, route, clients, upstream: u, gateway: g } of rows) {
    console.log(
      `| ${mode} | ${route} | ${clients} | ${Math.round(u.rps)} | ${Math.round(g.rps)} | ` +
        `${(g.rps / u.rps).toFixed(2)} | ${ms(u.p50)} / ${ms(u.p99)} | ${ms(g.p50)} / ${ms(g.p99)} | ` +
        `${ms(g.p50 - u.p50)} / ${ms(g.p99 - u.p99)} | ${u.errors + g.errors} |`,
    );
  }
  console.log(
    `\nGateway RSS after the run: ${rssMiB === undefined ? 'n/a' : `${rssMiB.toFixed(1)} MiB`}`,
  );
  console.log('\nTargets (Gemini route):');
  for (const row of rows.filter((r) => r.route === 'gemini')) {
    const { upstream: u, gateway: g } = row;
    const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');
    if (row.clients === 1) {
      const [p50, p99] = [g.p50 - u.p50, g.p99 - u.p99];
      console.log(
        `- ${row.mode}, 1 client: added p50 ${ms(p50)} ms <= 1 ms ${verdict(p50 <= 1)}; ` +
          `added p99 ${ms(p99)} ms <= 5 ms ${verdict(p99 <= 5)}`,
      );
    } else {
      const ratio = g.rps / u.rps;
      console.log(
        `- ${row.mode}, ${row.clients} clients: gateway/upstream rps ${ratio.toFixed(2)} >= 0.5 ` +
          verdict(ratio >= 0.5),
      );
    }
  }
}

async function main() {
  console.log(
    `# proxy bench: Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model}), ` +
      `${SECONDS} s per figure, ${CREDENTIALS} credentials`,
  );
  let failures = 0;
  let redis: ServerHandle | undefined;
  const upstream = await startFakeUpstream();
  try {
    for (const backend of BACKENDS) {
      const env: Record<string, string> = {};
      if (backend === 'valkey') {
        if (!process.env.BENCH_REDIS_URL) redis ??= await startRedis();
        env.REDIS_URL = process.env.BENCH_REDIS_URL ?? redis!.url;
        env.REDIS_KEY_PREFIX = `bench-proxy:${process.pid}:${Date.now()}:`;
      }
      const gateway = await startGateway(upstream.url, backend, env);
      try {
        const rows = await benchBackend(upstream, gateway);
        printTable(backend, rows, gateway.rssMiB());
        for (const row of rows) {
          // The upstream figures are shared by every route's rows: count them once.
          for (const figures of row.route === 'gemini'
            ? [row.upstream, row.gateway]
            : [row.gateway]) {
            failures += figures.errors;
            if (figures.firstError)
              console.error(
                `! ${backend} ${row.mode} ${row.route} ${row.clients}: ${figures.firstError}`,
              );
          }
        }
      } finally {
        await gateway.stop();
      }
    }
  } finally {
    await upstream.stop();
    await redis?.dispose();
  }
  if (failures > 0) {
    console.error(`\n${failures} requests failed; the figures above are not trustworthy.`);
    process.exitCode = 1;
  }
}

runBench(main);
