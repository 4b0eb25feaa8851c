import {
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  renameSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import SonicBoom from 'sonic-boom';

type Listener = (line: string) => void;

/** How often a process looks at the file for what other processes writing it did. */
const CHECK_MS = 1_000;

/** Options of {@link LogFile.at}. */
export interface LogFileOptions {
  /**
   * Whether this process moves the file to `.1` when it is full (default true). Under
   * `WORKERS=N` every process writes the file and only one rotates it: two rotating at once
   * would move a fresh file over the full one. The others reopen the file when it was moved.
   */
  rotates?: boolean;
}

/**
 * The gateway's log file (LOG_FILE): the logger appends every line, the panel downloads, clears
 * and follows it. Lines are written asynchronously through sonic-boom (pino's file writer), so
 * logging never blocks a request on the disk. Past `maxBytes` the file moves to `<file>.1`, older
 * ones to `.2` ... `.<keep>` (the oldest dropped), and a new file starts. One instance per path
 * in the process; whatever is still buffered is written out when the process exits.
 */
export class LogFile {
  private static readonly instances = new Map<string, LogFile>();
  private readonly listeners = new Set<Listener>();
  private stream!: SonicBoom;
  private size: number;
  /** The inode of the file this process writes, to notice another process moved it. */
  private inode = 0;
  private checkedAt = 0;

  private constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
    private readonly rotates: boolean,
  ) {
    this.size = existsSync(path) ? statSync(path).size : 0;
    mkdirSync(dirname(path), { recursive: true });
    this.reopen();
    process.once('exit', () => this.flushNow());
  }

  /**
   * The shared instance for `path` (resolved against the working directory); `keep` rotated
   * files are kept (default 1).
   */
  static at(
    path: string,
    maxBytes = 10 * 1024 * 1024,
    keep = 1,
    options: LogFileOptions = {},
  ): LogFile {
    const full = resolve(path);
    let file = LogFile.instances.get(full);
    if (!file) {
      file = new LogFile(full, maxBytes, keep, options.rotates ?? true);
      LogFile.instances.set(full, file);
    }
    return file;
  }

  /** Queues one line (ending in `\n`) and hands it to the followers; never throws. */
  append(line: string): void {
    try {
      const bytes = Buffer.byteLength(line);
      this.followOthers();
      if (this.rotates && this.size + bytes > this.maxBytes && this.size > 0) this.rotate();
      this.stream.write(line);
      this.size += bytes;
    } catch {
      // See the constructor: logging failures are swallowed.
    }
    for (const listener of this.listeners) listener(line);
  }

  /** The last `count` lines, oldest first (from at most the last 256 KiB), every line written. */
  async tail(count: number): Promise<string[]> {
    await this.settled();
    if (!existsSync(this.path)) return [];
    const fd = openSync(this.path, 'r');
    try {
      const size = statSync(this.path).size;
      const length = Math.min(size, 256 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      const lines = buffer.toString('utf8').split('\n').filter(Boolean);
      return lines.slice(-count);
    } finally {
      closeSync(fd);
    }
  }

  /** Whether the file exists and holds anything, every line logged so far written. */
  async hasContent(): Promise<boolean> {
    await this.settled();
    return existsSync(this.path) && statSync(this.path).size > 0;
  }

  /** Empties the file, queued lines included. */
  async clear(): Promise<void> {
    await this.settled();
    if (existsSync(this.path)) truncateSync(this.path, 0);
    this.size = 0;
  }

  /** Calls `listener` with every line appended from now on; returns the unsubscribe function. */
  follow(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Waits for the write in flight, then writes what is queued: the panel's reads (rare) then see
   * every line logged so far, in order. Writing the queue while an asynchronous write is still in
   * flight would put later lines before it.
   */
  private async settled(): Promise<void> {
    for (let i = 0; i < 1_000 && this.writing(); i++) {
      await new Promise((done) => setImmediate(done));
    }
    if (!this.writing()) this.flushNow();
  }

  /** Whether sonic-boom has an asynchronous write in flight. */
  private writing(): boolean {
    return (this.stream as unknown as { _writing?: boolean })._writing === true;
  }

  /** Writes what is queued, synchronously; before the file is open there is nothing to write. */
  private flushNow() {
    try {
      this.stream.flushSync();
    } catch {
      // Not open yet, or the disk failed: the reader sees what is there.
    }
  }

  /**
   * At most once a second, what other processes writing the file did: when it was moved (one
   * rotated it), this one writes to the new file; the size counts their lines too.
   */
  private followOthers(): void {
    const now = Date.now();
    if (now - this.checkedAt < CHECK_MS) return;
    this.checkedAt = now;
    let stat: { ino: number; size: number } | undefined;
    try {
      stat = statSync(this.path);
    } catch {
      stat = undefined;
    }
    if (stat?.ino === this.inode) {
      this.size = Math.max(this.size, stat.size);
      return;
    }
    this.reopen();
    this.size = stat?.size ?? 0;
  }

  /**
   * Writes to the file at `path` from now on, on a descriptor opened here, synchronously: lines
   * can be flushed from the first one on (sonic-boom opening a path itself would leave them
   * waiting for its asynchronous open). Lines already handed to the old writer still land in
   * the file it had, which it then closes.
   */
  private reopen(): void {
    const fd = openSync(this.path, 'a');
    this.inode = fstatSync(fd).ino;
    const stream = new SonicBoom({ fd, sync: false });
    // A log line that cannot be written must not take the gateway down.
    stream.on('error', () => undefined);
    const old = this.stream as SonicBoom | undefined;
    this.stream = stream;
    old?.end();
  }

  private rotate() {
    for (let n = this.keep - 1; n >= 1; n--) {
      if (existsSync(`${this.path}.${n}`)) renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.reopen();
    this.size = 0;
  }
}
