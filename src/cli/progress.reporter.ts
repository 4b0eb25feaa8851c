/** How the command line talks: a live bar on a terminal, periodic lines in logs, JSON for scripts. */
export type OutputMode = 'tty' | 'plain' | 'json';

/** Plain mode writes at most one progress line per this many milliseconds. */
const PLAIN_EVERY_MS = 2_000;
const BAR_WIDTH = 24;

/** Anything with `write`, such as process.stdout; injectable so tests need no terminal. */
interface Sink {
  write(text: string): unknown;
}

/**
 * Progress and messages of one command. Human text (progress and notes) goes to stderr so stdout
 * carries only the result; in JSON mode stdout carries one JSON object per line: `progress` and
 * `note` events, then one `result`.
 */
export class ProgressReporter {
  private label = '';
  private total = 0;
  private done = 0;
  private started = 0;
  private lastLine = 0;

  constructor(
    readonly mode: OutputMode,
    private readonly out: Sink = process.stdout,
    private readonly err: Sink = process.stderr,
    private readonly now: () => number = Date.now,
  ) {}

  /** The mode for these flags and streams: JSON when asked, a bar on a terminal, else lines. */
  static modeFor(json: boolean, stream: { isTTY?: boolean } = process.stderr): OutputMode {
    if (json) return 'json';
    return stream.isTTY ? 'tty' : 'plain';
  }

  start(label: string, total: number) {
    this.finish();
    this.label = label;
    this.total = total;
    this.done = 0;
    this.started = this.now();
    this.lastLine = this.started;
    if (this.mode !== 'plain') this.render(true);
  }

  advance(count: number) {
    this.done += count;
    this.render(false);
  }

  /** Ends the current bar (a newline on a terminal, a last line elsewhere). */
  finish() {
    if (!this.label) return;
    if (this.mode !== 'json') this.render(true);
    if (this.mode === 'tty') this.err.write('\n');
    this.label = '';
  }

  note(message: string) {
    if (this.mode === 'json') this.emit({ event: 'note', message });
    else {
      if (this.mode === 'tty' && this.label) this.err.write('\r\x1b[K');
      this.err.write(`${message}\n`);
    }
  }

  /** The command's outcome: human lines on stdout, or one `result` JSON line. */
  result(value: Record<string, unknown>, lines: readonly string[]) {
    this.finish();
    if (this.mode === 'json') this.emit({ event: 'result', ...value });
    else this.out.write(lines.map((line) => `${line}\n`).join(''));
  }

  private render(force: boolean) {
    const elapsed = Math.max(this.now() - this.started, 1) / 1000;
    const rate = this.done / elapsed;
    const left = rate > 0 ? Math.max(this.total - this.done, 0) / rate : NaN;
    const percent =
      this.total > 0 ? Math.min(100, Math.floor((this.done / this.total) * 100)) : 100;
    const figures = `${this.done}/${this.total} ${Math.round(rate)}/s ETA ${formatSeconds(left)}`;
    if (this.mode === 'json') {
      this.emit({ event: 'progress', phase: this.label, done: this.done, total: this.total });
    } else if (this.mode === 'tty') {
      const filled = Math.round((percent / 100) * BAR_WIDTH);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
      this.err.write(`\r\x1b[K${this.label} [${bar}] ${percent}% ${figures}`);
    } else if (force || this.now() - this.lastLine >= PLAIN_EVERY_MS) {
      this.lastLine = this.now();
      this.err.write(`${this.label}: ${percent}% ${figures}\n`);
    }
  }

  private emit(value: Record<string, unknown>) {
    this.out.write(`${JSON.stringify(value)}\n`);
  }
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
