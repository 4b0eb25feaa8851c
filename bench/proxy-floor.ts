/**
 * What the gateway's stack can do at best on this machine, to read bench/proxy against: the
 * requests per second and p50 of a bare NestJS + Express app (bench/proxy/bare-relay.ts) that
 * answers a canned response (`fixed`) or relays to the same fake upstream (`relay`), with 1 and
 * 64 clients, next to the fake upstream itself. Run with `npm run bench:proxy-floor`;
 * BENCH_SECONDS (default 5) sets the length of one figure.
 */
import { freePort } from '../test/support/servers';
import { openPool, run, summarize, type Target } from './proxy/load';
import { startFakeUpstream, startScript } from './proxy/processes';
import { runBench } from './run-bench';
import { gatewayNodeFlags } from '../test/support/launch-flags';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = [1, 64];

async function measure(target: Target, clients: number) {
  const pool = openPool(target.origin, clients);
  try {
    await run(pool, target, clients, 1000);
    return summarize([await run(pool, target, clients, SECONDS * 1000)]);
  } finally {
    await pool.close();
  }
}

async function main() {
  const upstream = await startFakeUpstream();
  const port = await freePort();
  const bare = await startScript(
    'bare-relay.ts',
    { PORT: String(port), UPSTREAM: upstream.url },
    /ready on (\d+)/,
    gatewayNodeFlags(),
  ).catch(async (err: unknown) => {
    await upstream.stop();
    throw err;
  });
  try {
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    const json = { 'content-type': 'application/json' };
    const targets: Array<[string, Target]> = [
      [
        'fake upstream',
        {
          origin: upstream.url,
          path: '/v1internal:generateContent',
          headers: { ...json, authorization: 'Bearer tok0' },
          body: JSON.stringify({
            model: 'gemini-2.5-pro',
            project: 'p0',
            request: { contents: [] },
          }),
          expect: '',
        },
      ],
      [
        'bare Nest, canned answer',
        { origin: bare.url, path: '/fixed', headers: json, body, expect: '' },
      ],
      [
        'bare Nest, relay to upstream',
        { origin: bare.url, path: '/relay', headers: json, body, expect: '' },
      ],
    ];
    console.log(
      '| server | clients | rps | p50 (ms) | p99 (ms) | errors |\n|---|---:|---:|---:|---:|---:|',
    );
    for (const [name, target] of targets) {
      for (const clients of CLIENTS) {
        const f = await measure(target, clients);
        console.log(
          `| ${name} | ${clients} | ${Math.round(f.rps)} | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ${f.errors} |`,
        );
      }
    }
  } finally {
    await bare.stop();
    await upstream.stop();
  }
}

runBench(main);
