/**
 * What the gateway's stack can do at best on this machine, to read bench/proxy against: the
 * requests per second and p50 of a bare NestJS + Express app (bench/proxy/bare-relay.ts) that
 * answers a canned response (`fixed`) or relays to the same fake upstream (`relay`), with 1 and
 * 64 clients, next to the fake upstream itself. Run with `npm run bench:proxy-floor`;
 * BENCH_SECONDS (default 5) sets the length of one figure.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../test/support/servers';
import { openPool, run, summarize, type Target } from './proxy/load';
import { startFakeUpstream } from './proxy/processes';

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
  const bare = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', resolve(__dirname, 'proxy/bare-relay.ts')],
    {
      env: { ...process.env, PORT: String(port), UPSTREAM: upstream.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    await new Promise((ready) => bare.stdout!.once('data', ready));
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
        { origin: `http://127.0.0.1:${port}`, path: '/fixed', headers: json, body, expect: '' },
      ],
      [
        'bare Nest, relay to upstream',
        { origin: `http://127.0.0.1:${port}`, path: '/relay', headers: json, body, expect: '' },
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
    bare.kill();
    await upstream.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
