import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../test/support/servers';
import { tempDir } from '../../test/support/temp-dir';
import { panelLogin } from '../../test/support/panel-login';
import { benchNodeFlags } from '../../test/support/launch-flags';
import { memoryBox, nodeIn } from '../memory-box';

/** The API password and panel password of the benched gateway. */
export const API_KEY = 'bench-key';
const PANEL_PASSWORD = 'bench-panel';
/** Credentials seeded into the gateway; their tokens are `tok<i>`, projects `p<i>`. */
export const CREDENTIALS = 100;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/** The rotation index reloads within a second of a change; wait a little longer. */
const RELOAD_WAIT_MS = 1_500;

/** A child process of the bench; `stop()` ends it and waits for its exit. */
export interface BenchProcess {
  url: string;
  pid: number;
  /** Resident memory now, in MiB (VmRSS from /proc), or undefined off Linux. */
  rssMiB(): number | undefined;
  stop(): Promise<void>;
}

/** What to undo synchronously if the bench exits without reaching its finally blocks. */
const leftovers = new Set<() => void>();
process.once('exit', () => leftovers.forEach((undo) => undo()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

function track(child: ChildProcess, output: () => string) {
  const kill = () => child.kill('SIGKILL');
  leftovers.add(kill);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => leftovers.delete(kill));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  const failed = (what: string) =>
    new Error(`${what} (exit ${child.exitCode ?? child.signalCode}):\n${output().slice(-2000)}`);
  return { exited, stop, failed };
}

function rssMiB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Starts `bench/proxy/fake-upstream.ts` in its own process and waits for its port. */
export function startFakeUpstream(): Promise<BenchProcess> {
  return startScript('fake-upstream.ts', {}, /\{"port":(\d+)\}/);
}

/**
 * Starts a TypeScript file of bench/proxy/ in its own process (tracked, so it never outlives the
 * bench) and waits until its stdout matches `ready`, whose first group is the port it listens on.
 */
export async function startScript(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
  nodeFlags: readonly string[] = [],
): Promise<BenchProcess> {
  const script = resolve(__dirname, file);
  // TypeScript first, so that flags may preload TypeScript too (bench:compare's BENCH_PROFILE).
  const argv = ['-r', 'ts-node/register/transpile-only', ...nodeFlags, script];
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const { exited, stop, failed } = track(child, () => output);
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(failed(`${file} did not start`)), START_TIMEOUT_MS);
    const onData = () => {
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolvePort(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    void exited.then(() => reject(failed(`${file} exited`)));
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    rssMiB: () => rssMiB(child.pid!),
    stop,
  };
}

/**
 * Starts the built gateway (`dist/main.js`) in a fresh working directory with `env` on top of the
 * bench settings, waits until it answers, checks it runs on `backend`, and seeds
 * {@link CREDENTIALS} valid Gemini CLI credentials through the panel's text import.
 * `preload` are Node flags given before npm start's (bench:compare's profiler).
 */
export async function startGateway(
  upstreamUrl: string,
  backend: string,
  env: Record<string, string>,
  preload: readonly string[] = [],
): Promise<BenchProcess> {
  const dir = tempDir('gcli-bench-proxy-');
  leftovers.add(dir.remove);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Another build (BENCH_GATEWAY_MAIN) and LOG_LEVEL=info (BENCH_LOG_LEVEL, with one access line
  // per model call) measure what a change or the access log adds.
  const main = resolve(process.env.BENCH_GATEWAY_MAIN ?? 'dist/main.js');
  // Among a build's settings (bench:compare), BENCH_MEMORY_MB runs it in a box of that much
  // memory, and BENCH_NODE_FLAGS replaces npm start's Node flags (empty: none).
  const { BENCH_MEMORY_MB: boxMiB, BENCH_NODE_FLAGS: nodeFlags, ...settings } = env;
  const box = boxMiB ? memoryBox(Number(boxMiB), `gcli-bench-proxy-${port}`) : undefined;
  const argv = [...preload, ...benchNodeFlags(nodeFlags), main];
  const [command, args] = nodeIn(box, argv);
  const child = spawn(command, args, {
    cwd: dir.path,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      CODE_ASSIST_ENDPOINT: upstreamUrl,
      OAUTH_PROXY_URL: upstreamUrl,
      API_PASSWORD: API_KEY,
      PANEL_PASSWORD,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      LOG_FILE: join(dir.path, 'log.txt'),
      CREDENTIALS_DIR: join(dir.path, 'creds'),
      STORAGE_FALLBACK: 'false',
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const { exited, stop: stopChild, failed } = track(child, () => output);
  const stop = () =>
    stopChild().finally(() => {
      dir.remove();
      leftovers.delete(dir.remove);
      box?.remove();
    });
  try {
    await waitUntilLive(url, exited, failed);
    await checkBackend(url, backend);
    await seedCredentials(url);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid!, rssMiB: () => rssMiB(child.pid!), stop };
}

async function waitUntilLive(url: string, exited: Promise<void>, failed: (w: string) => Error) {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw failed('gateway exited during start-up');
    const live = await fetch(`${url}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (live) return;
    await sleep(100);
  }
  throw failed(`gateway did not answer within ${START_TIMEOUT_MS} ms`);
}

async function checkBackend(url: string, backend: string) {
  const health = (await (await fetch(`${url}/health`)).json()) as {
    details?: { storage?: { backend?: string } };
  };
  const kind = health.details?.storage?.backend;
  if (kind !== backend) throw new Error(`gateway runs on ${kind}, not ${backend}`);
}

async function seedCredentials(url: string) {
  const auth = await panelLogin(url, PANEL_PASSWORD);
  const expiry = new Date(Date.now() + 2 * 3600_000).toISOString();
  const credentials = Array.from({ length: CREDENTIALS }, (_, i) => ({
    client_id: 'c',
    client_secret: 's',
    refresh_token: `r${i}`,
    token: `tok${i}`,
    expiry,
    project_id: `p${i}`,
  }));
  const response = await fetch(`${url}/creds/import-text`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ content: JSON.stringify(credentials) }),
  });
  const result = (await response.json()) as { imported?: number; message?: string };
  if (response.status !== 200 || result.imported !== CREDENTIALS) {
    throw new Error(`credential import failed: ${response.status} ${result.message}`);
  }
  await sleep(RELOAD_WAIT_MS);
}

function sleep(ms: number) {
  return new Promise((done) => setTimeout(done, ms));
}
