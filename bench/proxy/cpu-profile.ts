/**
 * Where a benched process spends its CPU per request: bench:compare's BENCH_PROFILE starts each
 * process with {@link profilerPreload}, profiles one window of load in it (SIGUSR2 on, SIGUSR2
 * off, see profile-on-signal.ts) and reads the profile here as microseconds of the main thread
 * per request, by component (our code by top-level folder of `src`, NestJS, Express and its
 * dependencies, undici, Node's HTTP, streams, events and timers, GC) and by function.
 * The profiler itself adds some cost to every sample: read the figures against each other, not
 * against the unprofiled CPU per request of the same run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A V8 CPU profile (`.cpuprofile`), as far as it is read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Node flags and environment that let a process be profiled on SIGUSR2, writing to `out`. */
export function profilerPreload(out: string): { nodeFlags: string[]; env: Record<string, string> } {
  return {
    nodeFlags: [
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      '-r',
      resolve(__dirname, 'profile-on-signal.ts'),
    ],
    // The gateway runs in a temporary directory: ts-node would not find the project's tsconfig.
    env: { BENCH_PROFILE_OUT: out, TS_NODE_PROJECT: resolve(__dirname, '../../tsconfig.json') },
  };
}

/** Waits until the process profiled to `out` has written its profile, and reads it. */
export async function readProfile(out: string, timeoutMs = 30_000): Promise<CpuProfile> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(`${out}.done`)) {
    if (Date.now() > deadline) throw new Error(`no CPU profile written to ${out}`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
  const done = readFileSync(`${out}.done`, 'utf8');
  if (done !== 'ok') throw new Error(`the CPU profiler failed: ${done}`);
  return JSON.parse(readFileSync(out, 'utf8')) as CpuProfile;
}

const EXPRESS_AND_DEPS =
  /node_modules\/(express|router|body-parser|raw-body|parseurl|path-to-regexp|finalhandler|on-finished|type-is|content-type|media-typer|mime-types|mime-db|accepts|negotiator|vary|send|serve-static|encodeurl|escape-html|proxy-addr|forwarded|ipaddr\.js|fresh|range-parser|statuses|http-errors|qs|iconv-lite|depd|debug|ms|cookie|merge-descriptors|setprototypeof|bytes|destroy|unpipe|ee-first)\//;

/** The component a profile node's code belongs to. */
export function componentOf(frame: { functionName: string; url: string }): string {
  const { functionName: name, url } = frame;
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8 and native, unattributed';
  if (/node_modules\/undici\//.test(url) || url.startsWith('wasm:')) return 'undici';
  if (/node_modules\/@nestjs\//.test(url)) return 'NestJS';
  if (EXPRESS_AND_DEPS.test(url)) return 'Express and its dependencies';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1];
  const ours = /\/dist\/([^/]+)\//.exec(url) ?? /\/src\/([^/]+)\//.exec(url);
  if (ours) return `gateway: ${ours[1]}`;
  if (/\/dist\/[^/]+\.js$/.test(url)) return 'gateway: top level';
  if (/\/bench\//.test(url)) return 'bench app (the floor)';
  if (url.startsWith('node:')) {
    if (/_http|\/http/.test(url)) return 'Node: HTTP';
    if (/stream/.test(url)) return 'Node: streams';
    if (/events|event_target|abort_controller/.test(url)) return 'Node: events, AbortSignal';
    if (/timers|task_queues|async_hooks/.test(url)) return 'Node: timers, ticks, promises';
    if (/net|stream_base/.test(url)) return 'Node: sockets';
    return 'Node: other';
  }
  if (/^write|^read/.test(name)) return 'Node: sockets';
  if (name === 'runMicrotasks') return 'Node: timers, ticks, promises';
  return 'V8 and native, unattributed';
}

/** Microseconds per request of one profile: by component, by function, and in all. */
export interface Breakdown {
  busyUs: number;
  components: Map<string, number>;
  functions: Map<string, number>;
}

/** Splits the busy (non-idle) main-thread time of `profile` over `requests` requests. */
export function breakdown(profile: CpuProfile, requests: number): Breakdown {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const components = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  const add = (map: Map<string, number>, key: string, us: number) =>
    map.set(key, (map.get(key) ?? 0) + us);
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id)!;
    const us = profile.timeDeltas[i] ?? 0;
    if (frame.functionName === '(idle)') return;
    busy += us;
    add(components, componentOf(frame), us);
    const where = frame.url.replace(/^.*?\/(node_modules|dist|bench)\//, '$1/');
    add(functions, `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`, us);
  });
  const perRequest = (map: Map<string, number>) => {
    for (const [key, us] of map) map.set(key, us / Math.max(requests, 1));
    return map;
  };
  return {
    busyUs: busy / Math.max(requests, 1),
    components: perRequest(components),
    functions: perRequest(functions),
  };
}

/**
 * A Markdown table of the components of several builds' breakdowns, largest difference between
 * the first build and the last first (with the floor last, that is what the first adds to it).
 */
export function componentTable(names: string[], figures: Breakdown[]): string {
  const first = figures[0];
  const last = figures[figures.length - 1];
  const keys = [...new Set(figures.flatMap((f) => [...f.components.keys()]))];
  const get = (f: Breakdown, key: string) => f.components.get(key) ?? 0;
  keys.sort((a, b) => get(first, b) - get(last, b) - (get(first, a) - get(last, a)));
  const lines = [
    `| component, µs of main thread per request | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---:').join('|')}|`,
    ...keys
      .filter((key) => figures.some((f) => get(f, key) >= 0.5))
      .map((key) => `| ${key} | ${figures.map((f) => get(f, key).toFixed(1)).join(' | ')} |`),
    `| **all busy time** | ${figures.map((f) => `**${f.busyUs.toFixed(1)}**`).join(' | ')} |`,
  ];
  return lines.join('\n');
}

/** The `count` functions with the most self time in `figure`, one Markdown list line each. */
export function topFunctions(figure: Breakdown, count: number, filter = /./): string {
  return [...figure.functions]
    .filter(([key]) => filter.test(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `- ${us.toFixed(1)} µs ${key}`)
    .join('\n');
}
