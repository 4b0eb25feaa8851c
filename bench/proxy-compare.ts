/**
 * Side-by-side bench of several gateway builds (or one build under several settings): each is
 * started on SQLite with 100 credentials, then the Gemini route (non-streaming, BENCH_CLIENTS
 * clients, default 64) is measured in BENCH_ROUNDS interleaved rounds (order reversed every other
 * round) so that drift in machine load weighs on all alike. Reports requests per second, the
 * ratio to the first build, p50/p99, CPU milliseconds per request and the peak RSS while measured
 * of each gateway process.
 * Run with `npm run build && npm run bench:compare`.
 *
 * BENCH_BUILDS lists the builds, `;`-separated, each `name=path/to/main.js` optionally followed
 * by `,KEY=value` settings for that gateway (e.g.
 * `old=../old/dist/main.js;new=dist/main.js;new-info=dist/main.js,LOG_LEVEL=info`). The path
 * `floor` stands for the bare NestJS + Express relay of bench/proxy-floor (bench/proxy/bare-relay.ts),
 * so the gateway's CPU per request can be read against the floor's in the same interleaved run.
 * Two settings are the bench's, not the gateway's: BENCH_MEMORY_MB=512 runs that build in a memory
 * cgroup of that size (bench/memory-box.ts, as root), and BENCH_NODE_FLAGS replaces the Node flags
 * of `npm start` it runs with (empty: none). Every build and the floor run with those flags.
 * Knobs: BENCH_SECONDS (default 3) per measured part, BENCH_ROUNDS (default 4).
 *
 * BENCH_PROFILE=dir adds one profiled part per build after the rounds (bench/proxy/cpu-profile):
 * a table of where each spends its main thread's time per request, by component, and the
 * gateway functions of the first build with the most self time. The profiles are left in `dir`
 * as `<build>.cpuprofile`, for Chrome's DevTools. The measured rounds run unprofiled.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { check, openPool, run, type Sample, summarize } from './proxy/load';
import { cpuSeconds, threadCpuSeconds } from './proxy/proc-stats';
import { freePort } from '../test/support/servers';
import {
  API_KEY,
  type BenchProcess,
  startFakeUpstream,
  startGateway,
  startScript,
} from './proxy/processes';
import { runBench } from './run-bench';
import { gatewayNodeFlags } from '../test/support/launch-flags';
import {
  breakdown,
  componentTable,
  profilerPreload,
  readProfile,
  topFunctions,
} from './proxy/cpu-profile';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1_000);
const PROFILE_DIR = process.env.BENCH_PROFILE;

interface Build {
  name: string;
  main: string;
  env: Record<string, string>;
}

function builds(): Build[] {
  const spec = process.env.BENCH_BUILDS ?? 'current=dist/main.js';
  return spec.split(';').map((entry) => {
    const [head, ...settings] = entry.split(',');
    const [name, main] = head.split('=');
    const env = Object.fromEntries(
      settings.map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]),
    );
    return { name, main, env };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const list = builds();
  console.log(
    `# compare bench: ${availableParallelism()} CPUs, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${CLIENTS} clients, ${ROUNDS} rounds of ${SECONDS} s`,
  );
  const upstream = await startFakeUpstream();
  const gateways: BenchProcess[] = [];
  try {
    if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
    const profiles = list.map(({ name }) => resolve(PROFILE_DIR ?? '.', `${name}.cpuprofile`));
    for (const [i, build] of list.entries()) {
      const profiler = PROFILE_DIR ? profilerPreload(profiles[i]) : { nodeFlags: [], env: {} };
      if (build.main === 'floor') {
        const env = { PORT: String(await freePort()), UPSTREAM: upstream.url, ...profiler.env };
        // The floor runs with the gateway's Node flags: like for like.
        const flags = [...profiler.nodeFlags, ...gatewayNodeFlags()];
        gateways.push(await startScript('bare-relay.ts', env, /ready on (\d+)/, flags));
        continue;
      }
      process.env.BENCH_GATEWAY_MAIN = build.main;
      const env = { ...build.env, ...profiler.env };
      gateways.push(await startGateway(upstream.url, 'sqlite', env, profiler.nodeFlags));
    }
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    const targets = gateways.map((g, i) => ({
      origin: g.url,
      path: list[i].main === 'floor' ? '/relay' : '/v1beta/models/gemini-2.5-pro:generateContent',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
      body,
      expect: 'finishReason',
    }));
    const target = (origin: string) => targets[gateways.findIndex((g) => g.url === origin)];
    const pools = gateways.map((g) => openPool(g.url, CLIENTS));
    await Promise.all(gateways.map((g, i) => check(pools[i], target(g.url))));
    const samples = gateways.map(() => [] as Sample[]);
    const cpu = gateways.map(() => 0);
    const offMain = gateways.map(() => 0);
    const perRound = gateways.map(() => [] as number[]);
    const cpuPerRound = gateways.map(() => [] as number[]);
    const peakRss = gateways.map(() => 0);
    const order = [...gateways.keys()];
    for (let round = 0; round < ROUNDS; round++) {
      for (const i of round % 2 === 0 ? order : [...order].reverse()) {
        await run(pools[i], target(gateways[i].url), CLIENTS, WARMUP_MS);
        const before = cpuSeconds(gateways[i].pid);
        const threadsBefore = threadCpuSeconds(gateways[i].pid).others;
        const sampler = setInterval(
          () => (peakRss[i] = Math.max(peakRss[i], gateways[i].rssMiB() ?? 0)),
          100,
        );
        const sample = await run(
          pools[i],
          target(gateways[i].url),
          CLIENTS,
          SECONDS * 1000,
        ).finally(() => clearInterval(sampler));
        const used = cpuSeconds(gateways[i].pid) - before;
        cpu[i] += used;
        cpuPerRound[i].push((used * 1000) / Math.max(sample.latenciesMs.length, 1));
        offMain[i] += threadCpuSeconds(gateways[i].pid).others - threadsBefore;
        samples[i].push(sample);
        perRound[i].push(sample.latenciesMs.length / sample.seconds);
      }
    }
    const profiled = [];
    for (const i of PROFILE_DIR ? order : []) {
      rmSync(`${profiles[i]}.done`, { force: true });
      await run(pools[i], target(gateways[i].url), CLIENTS, WARMUP_MS);
      process.kill(gateways[i].pid, 'SIGUSR2');
      await new Promise((wake) => setTimeout(wake, 200));
      const sample = await run(pools[i], target(gateways[i].url), CLIENTS, SECONDS * 1000);
      process.kill(gateways[i].pid, 'SIGUSR2');
      profiled.push(breakdown(await readProfile(profiles[i]), sample.latenciesMs.length));
    }
    await Promise.all(pools.map((pool) => pool.destroy()));
    const figures = samples.map(summarize);
    console.log(
      `\nload after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    console.log(
      '| build | rps | ratio | median rps ratio by round | p50 | p99 | CPU ms/req | ' +
        'median CPU ratio by round | of it off the main thread | peak RSS MiB | errors |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    // Ratios within each round (builds measured seconds apart) are steadier than whole-run ones.
    const medianRatio = (series: number[][], i: number) =>
      median(series[i].map((value, round) => value / series[0][round])).toFixed(2);
    figures.forEach((f, i) => {
      const requests = samples[i].reduce((sum, s) => sum + s.latenciesMs.length, 0);
      console.log(
        `| ${list[i].name} | ${Math.round(f.rps)} | ${(f.rps / figures[0].rps).toFixed(2)} | ` +
          `${medianRatio(perRound, i)} | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ` +
          `${((cpu[i] * 1000) / Math.max(requests, 1)).toFixed(3)} | ${medianRatio(cpuPerRound, i)} | ` +
          `${((offMain[i] * 1000) / Math.max(requests, 1)).toFixed(3)} | ${peakRss[i].toFixed(0)} | ` +
          `${f.errors} |`,
      );
    });
    if (profiled.length > 0) {
      console.log(`\n## Where the time goes (profiled, ${SECONDS} s per build)\n`);
      console.log(
        componentTable(
          list.map((b) => b.name),
          profiled,
        ),
      );
      console.log(
        `\nGateway functions of ${list[0].name} with the most self time, µs per request:\n`,
      );
      console.log(topFunctions(profiled[0], 25, /^\S+ dist\//));
      console.log(`\nProfiles: ${profiles.join(', ')}`);
    }
  } finally {
    for (const g of gateways.reverse()) await g.stop();
    await upstream.stop();
  }
}

runBench(main);
