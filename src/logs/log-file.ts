import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { resolve } from 'node:path';

type Listener = (line: string) => void;

/**
 * The gateway's log file (LOG_FILE): the logger appends every line, the panel downloads, clears
 * and follows it. Past `maxBytes` the file moves to `<file>.1` (replacing the previous one) and
 * starts again, so it never grows without bound. One instance per path in the process.
 */
export class LogFile {
  private static readonly instances = new Map<string, LogFile>();
  private readonly listeners = new Set<Listener>();
  private size: number;

  private constructor(
    readonly path: string,
    private readonly maxBytes: number,
  ) {
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  /** The shared instance for `path` (resolved against the working directory). */
  static at(path: string, maxBytes = 10 * 1024 * 1024): LogFile {
    const full = resolve(path);
    let file = LogFile.instances.get(full);
    if (!file) LogFile.instances.set(full, (file = new LogFile(full, maxBytes)));
    return file;
  }

  /** Appends one line (ending in `\n`) and hands it to the followers; never throws. */
  append(line: string): void {
    try {
      if (this.size + line.length > this.maxBytes && this.size > 0) this.rotate();
      const fd = openSync(this.path, 'a');
      try {
        this.size += writeSync(fd, line);
      } finally {
        closeSync(fd);
      }
    } catch {
      // A log line that cannot be written must not take the gateway down.
    }
    for (const listener of this.listeners) listener(line);
  }

  /** The last `count` lines, oldest first (from at most the last 256 KiB). */
  tail(count: number): string[] {
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

  /** Whether the file exists and holds anything. */
  hasContent(): boolean {
    return existsSync(this.path) && statSync(this.path).size > 0;
  }

  /** Empties the file. */
  clear(): void {
    if (existsSync(this.path)) truncateSync(this.path, 0);
    this.size = 0;
  }

  /** Calls `listener` with every line appended from now on; returns the unsubscribe function. */
  follow(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private rotate() {
    renameSync(this.path, `${this.path}.1`);
    this.size = 0;
  }
}
