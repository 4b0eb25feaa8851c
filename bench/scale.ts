/**
 * Scale bench: the built gateway (`dist/main.js`) with 100,000 credentials (BENCH_CREDENTIALS) on
 * each backend. For each: the import of all of them as ONE ZIP archive (time and the gateway's
 * peak RSS), RSS after the import, `/creds/status` pages with filters (slowest and median), the
 * streamed `download-all` (time, peak RSS), a restart (time to listening, RSS after start), and
 * RSS after a 64-client run of model calls against a lean fake upstream, and 30 s later (once the
 * gateway has given the burst's garbage back, IDLE_GC_MB).
 * Run with `npm run build && npm run bench:scale`; BENCH_ONLY=sqlite,valkey,postgresql,mongodb
 * picks backends (MongoDB on FerretDB is slow at this size: not run unless named).
 * BENCH_IMPORT_ONLY=1 stops after the import (to compare its memory at several BENCH_CREDENTIALS:
 * flat memory means the peak does not grow with the count); BENCH_GATEWAY_MAIN runs another
 * build. BENCH_MEMORY_MB=512 runs the gateway in a box of that much memory (a cgroup, as root:
 * see memory-box.ts), as on a small VPS or container, where V8 sizes its heap to fit;
 * BENCH_NODE_FLAGS replaces the Node flags of `npm start` the gateway runs with (empty: none).
 *
 * Targets (issue 17), at 100,000: RSS <= 400 MB after start and after a 64-client run; start-up
 * to ready <= 5 s; any status page with any filter <= 50 ms; import of one archive <= 30 s with
 * flat memory; download-all streamed. Reload of the rotation index after each kind of change:
 * `npm run bench:rotation-reload`. Misses are reported, not fatal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { freePort, createPostgresDatabase } from '../test/support/servers';
import { benchNodeFlags } from '../test/support/launch-flags';
import { panelLogin } from '../test/support/panel-login';
import { tempDir } from '../test/support/temp-dir';
import { toZip64 } from '../test/support/zip64';
import { benchServers } from './bench-servers';
import { memoryBox, type MemoryBox, nodeIn } from './memory-box';
import { openPool, run, summarize } from './proxy/load';
import { startFakeUpstream } from './proxy/processes';
import { runBench } from './run-bench';

const COUNT = Number(process.env.BENCH_CREDENTIALS ?? 100_000);
const API_KEY = 'bench-key';
const PANEL_PASSWORD = 'bench-panel';
const ONLY = process.env.BENCH_ONLY?.split(',') ?? ['sqlite', 'valkey', 'postgresql'];
const IMPORT_ONLY = process.env.BENCH_IMPORT_ONLY === '1';
const BOX_MIB = Number(process.env.BENCH_MEMORY_MB ?? 0);
let box: MemoryBox | undefined;

interface Gateway {
  url: string;
  child: ChildProcess;
  startSeconds: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function rssMiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** Samples the RSS of `pid` every 50 ms while `work` runs; returns the peak and the result. */
async function peakDuring<T>(pid: number, work: () => Promise<T>): Promise<[T, number]> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
  try {
    return [await work(), Math.max(peak, rssMiB(pid))];
  } finally {
    clearInterval(timer);
  }
}

async function startGateway(env: Record<string, string>, cwd: string): Promise<Gateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const main = resolve(process.env.BENCH_GATEWAY_MAIN ?? 'dist/main.js');
  const argv = [...benchNodeFlags(process.env.BENCH_NODE_FLAGS), main];
  const [command, args] = nodeIn(box, argv);
  const child = spawn(command, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      API_PASSWORD: API_KEY,
      PANEL_PASSWORD,
      LOG_LEVEL: 'warn',
      LOG_FILE: join(cwd, 'log.txt'),
      CREDENTIALS_DIR: join(cwd, 'creds'),
      AUTO_IMPORT_CREDS: 'false',
      STORAGE_FALLBACK: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 120_000;
  while (
    !(await fetch(`${url}/health/live`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`gateway did not start:\n${output.slice(-2000)}`);
    }
    await sleep(20);
  }
  return { url, child, startSeconds: (performance.now() - started) / 1000, stop };
}

function archiveOf(count: number): Uint8Array {
  const expiry = new Date(Date.now() + 6 * 3600_000).toISOString();
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    files[`scale-${i}.json`] = encoder.encode(
      JSON.stringify({
        client_id: 'c',
        client_secret: 's',
        refresh_token: `r${i}`,
        token: `tok${i}`,
        expiry,
        project_id: `p${i}`,
      }),
    );
  }
  return toZip64(zipSync(files, { level: 1 }), count);
}

/**
 * The longest a health check waited for its answer while `work` ran (one check after another):
 * how long the gateway stopped answering the requests that arrived meanwhile.
 */
async function longestWait<T>(url: string, work: () => Promise<T>): Promise<[T, number]> {
  let longest = 0;
  let running = true;
  const probe = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${url}/health/live`).then((r) => r.arrayBuffer());
      longest = Math.max(longest, performance.now() - started);
      await sleep(10);
    }
  })();
  try {
    const result = await work();
    running = false;
    // The check in flight may have waited out the same stall as the work: it counts.
    await probe;
    return [result, longest];
  } finally {
    running = false;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

async function statusFigures(url: string, auth: Record<string, string>) {
  const filters = [
    '',
    '&status_filter=enabled',
    '&status_filter=disabled',
    '&error_code_filter=429',
    '&cooldown_filter=in_cooldown',
  ];
  const times: number[] = [];
  for (const offset of [0, Math.floor(COUNT / 2), COUNT - 50]) {
    for (const filter of filters) {
      const [response, seconds] = await timed(() =>
        fetch(`${url}/creds/status?offset=${offset}&limit=50${filter}`, { headers: auth }),
      );
      if (response.status !== 200) throw new Error(`status page: ${response.status}`);
      await response.arrayBuffer();
      times.push(seconds * 1000);
    }
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], maxMs: times[times.length - 1] };
}

async function modelRun(url: string) {
  const target = {
    origin: url,
    path: '/v1beta/models/gemini-2.5-pro:generateContent',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] }),
    expect: 'finishReason',
  };
  const pool = openPool(url, 64);
  try {
    return summarize([await run(pool, target, 64, 5_000)]);
  } finally {
    await pool.destroy();
  }
}

async function benchBackend(kind: string, env: Record<string, string>, upstream: string) {
  const dir = tempDir(`gcli-bench-scale-${kind}-`);
  const full = { ...env, CODE_ASSIST_ENDPOINT: upstream, OAUTH_PROXY_URL: upstream };
  try {
    // Built first: building it blocks this process for seconds, and the upload could then go out
    // on the login's keep-alive connection just as the client's idle timer closes it (EPIPE).
    const archive = archiveOf(COUNT);
    let gateway = await startGateway(full, dir.path);
    const auth = await panelLogin(gateway.url, PANEL_PASSWORD);
    const form = new FormData();
    form.append('files', new Blob([archive]), 'scale.zip');
    const [[[upload, importSeconds], importPeak], importStallMs] = await longestWait(
      gateway.url,
      () =>
        peakDuring(gateway.child.pid!, () =>
          timed(() =>
            fetch(`${gateway.url}/auth/upload`, { method: 'POST', headers: auth, body: form }),
          ),
        ),
    );
    const uploaded = (await upload.json()) as { uploaded_count?: number; message?: string };
    if (uploaded.uploaded_count !== COUNT) throw new Error(`import: ${uploaded.message}`);
    // Past two looks of the idle collection (IDLE_GC_MB), the first of which saw the checks.
    await sleep(5_000);
    const afterImport = rssMiB(gateway.child.pid!);
    if (IMPORT_ONLY) {
      await gateway.stop();
      return { kind, importSeconds, importPeak, importStallMs, afterImport, rest: undefined };
    }
    const status = await statusFigures(gateway.url, auth);
    const [[[, downloadSeconds], downloadPeak], downloadStallMs] = await longestWait(
      gateway.url,
      () =>
        peakDuring(gateway.child.pid!, () =>
          timed(async () => {
            const response = await fetch(`${gateway.url}/creds/download-all`, { headers: auth });
            return (await response.arrayBuffer()).byteLength;
          }),
        ),
    );
    await gateway.stop();
    gateway = await startGateway(full, dir.path);
    const startSeconds = gateway.startSeconds;
    await sleep(1_000);
    const afterStart = rssMiB(gateway.child.pid!);
    const figures = await modelRun(gateway.url);
    const afterRun = rssMiB(gateway.child.pid!);
    // Idle for two looks of 2 s, the gateway collects the burst's garbage (IDLE_GC_MB); V8 gives
    // the pages back some 14 s later.
    await sleep(30_000);
    const afterIdle = rssMiB(gateway.child.pid!);
    await gateway.stop();
    return {
      kind,
      importSeconds,
      importPeak,
      importStallMs,
      afterImport,
      rest: {
        status,
        downloadSeconds,
        downloadPeak,
        downloadStallMs,
        startSeconds,
        afterStart,
        afterRun,
        afterIdle,
        rps: figures.rps,
        errors: figures.errors,
      },
    };
  } finally {
    dir.remove();
  }
}

async function main() {
  if (BOX_MIB > 0) box = memoryBox(BOX_MIB, `gcli-bench-scale-${process.pid}`);
  console.log(
    `# scale bench: ${COUNT} credentials, built gateway, one process` +
      (box ? `, in a box of ${box.mib} MiB` : ''),
  );
  const servers = await benchServers();
  const upstream = await startFakeUpstream();
  const tag = `${process.pid}_${Date.now()}`;
  const envOf: Record<string, () => Promise<Record<string, string>>> = {
    sqlite: async () => ({}),
    valkey: async () => ({ REDIS_URL: servers.redis, REDIS_KEY_PREFIX: `bench-scale:${tag}:` }),
    postgresql: async () => ({
      POSTGRES_DSN: await createPostgresDatabase(servers.postgres, `gcli_bench_scale_${tag}`),
    }),
    mongodb: async () => ({ MONGODB_URI: servers.mongodb, MONGODB_DATABASE: `scale_${tag}` }),
  };
  const mib = (value: number) => `${value.toFixed(0)}`;
  console.log(
    '| backend | import (s) | import peak RSS | longest wait of a health check during import (ms) | ' +
      'RSS after import | status median/max (ms) | ' +
      'download-all (s) / peak RSS / longest wait of a health check (ms) | start-up (s) | RSS after start | RSS after 64 clients | ' +
      '30 s later | rps |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  try {
    for (const kind of ONLY) {
      const kills = box?.oomKills() ?? 0;
      let result: Awaited<ReturnType<typeof benchBackend>>;
      try {
        result = await benchBackend(kind, await envOf[kind](), upstream.url);
      } catch (err) {
        // In a box, the gateway may be killed for lack of memory: that is a figure too.
        const killed = (box?.oomKills() ?? 0) - kills;
        if (!killed) throw err;
        console.log(`| ${kind} | killed by the out-of-memory killer (${(err as Error).message}) |`);
        continue;
      }
      const { rest: r, ...imported } = result;
      const head =
        `| ${kind} | ${imported.importSeconds.toFixed(1)} | ${mib(imported.importPeak)} | ` +
        `${imported.importStallMs.toFixed(0)} | ${mib(imported.afterImport)} |`;
      if (!r) {
        console.log(`${head}${' — |'.repeat(8)}`);
        continue;
      }
      console.log(
        `${head} ${r.status.medianMs.toFixed(1)} / ${r.status.maxMs.toFixed(1)} | ` +
          `${r.downloadSeconds.toFixed(1)} / ${mib(r.downloadPeak)} / ${r.downloadStallMs.toFixed(0)} | ` +
          `${r.startSeconds.toFixed(2)} | ` +
          `${mib(r.afterStart)} | ${mib(r.afterRun)} | ${mib(r.afterIdle)} | ${Math.round(r.rps)}${r.errors ? ` (${r.errors} errors)` : ''} |`,
      );
    }
  } finally {
    await upstream.stop();
    await servers.dispose();
    box?.remove();
  }
}

runBench(main);
