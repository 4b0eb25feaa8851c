import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { type AuthHeaders, panelLogin } from '../../support/panel-login';
import { gatewayNodeFlags } from '../../support/launch-flags';
import { freePort } from '../../support/servers';
import { tempDir } from '../../support/temp-dir';

/** The panel password a gateway gets when the test names none (so degraded starts can log in). */
export const E2E_PANEL_PASSWORD = 'e2e-panel-password';

const MAIN = resolve('dist/main.js');

/** Re-exported for the specs that start gateways: the one free-port finder of the tests. */
export { freePort };

export interface GatewayProcess {
  url: string;
  /** The process id (the primary's under WORKERS > 1). */
  pid: number;
  /** The credentials directory the gateway was given. */
  credentialsDir: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Whether the process is still running (it has not exited or been killed). */
  running(): boolean;
  /** Logs in to the panel (by default with the panel password it was started with). */
  login(password?: string): Promise<AuthHeaders>;
  /** Sends `signal` to the process. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>;
  stop(): Promise<void>;
}

export interface StartResult {
  gateway?: GatewayProcess;
  /** Set when the process exited before listening. */
  exitCode?: number | null;
  output: string;
}

/**
 * Starts the built gateway (`dist/main.js`) as a user would, in a fresh working directory with
 * only the given environment (no .env file is present there); unless the environment names a
 * panel password, PANEL_PASSWORD is E2E_PANEL_PASSWORD. Resolves once it listens, or
 * with its exit code when it stops before that.
 */
export async function startGateway(
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  onOutput?: (output: string) => void,
  /**
   * What node runs: the gateway's main file with `npm start`'s Node flags, or for example the
   * CLI with `serve`.
   */
  argv: string[] = [...gatewayNodeFlags(), MAIN],
): Promise<StartResult> {
  const dir = tempDir('gcli-e2e-');
  const port = await freePort();
  const credentialsDir = join(dir.path, 'creds');
  const named = 'PANEL_PASSWORD' in env || 'PASSWORD' in env;
  const panelPassword = named ? env.PANEL_PASSWORD || env.PASSWORD || 'pwd' : E2E_PANEL_PASSWORD;
  const child = spawn(process.execPath, argv, {
    cwd: dir.path,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      STORAGE_CONNECT_TIMEOUT_MS: '5000',
      // Fall back at once unless a test is about the start-up retry.
      STORAGE_STARTUP_RETRY_MS: '0',
      ...(named ? {} : { PANEL_PASSWORD: E2E_PANEL_PASSWORD }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    onOutput?.(output);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  const stop = () => stopChild(child).finally(() => dir.remove());
  const exit = new Promise<number | null>((settle) => child.once('exit', (code) => settle(code)));
  const outcome = await new Promise<'listening' | 'exited' | 'timeout'>((settle) => {
    const timer = setTimeout(() => settle('timeout'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      settle('exited');
    });
    const watch = setInterval(() => {
      if (/listening on http/.test(output)) {
        clearInterval(watch);
        clearTimeout(timer);
        settle('listening');
      }
    }, 25);
    child.once('exit', () => clearInterval(watch));
  });
  if (outcome !== 'listening') {
    await stop();
    if (outcome === 'timeout')
      throw new Error(`gateway did not start in ${timeoutMs} ms:\n${output}`);
    return { exitCode: child.exitCode, output };
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    gateway: {
      url,
      pid: child.pid!,
      credentialsDir,
      output: () => output,
      running: () => child.exitCode === null && child.signalCode === null,
      login: (password = panelPassword) => panelLogin(url, password),
      signal: (signal) => child.kill(signal),
      exited: () => exit,
      stop,
    },
    output,
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Starts the gateway like `startGateway` and fails, with its output, when it does not listen. */
export async function startRunningGateway(
  env: Record<string, string> = {},
  timeoutMs?: number,
): Promise<GatewayProcess> {
  const result = await startGateway(env, timeoutMs);
  if (!result.gateway) throw new Error(`gateway did not start:\n${result.output}`);
  return result.gateway;
}
