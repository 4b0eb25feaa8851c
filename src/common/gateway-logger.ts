import type { LoggerService, LogLevel } from '@nestjs/common';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type GatewayLogLevel = (typeof LEVELS)[number];

const NEST_TO_GATEWAY: Record<LogLevel, GatewayLogLevel> = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'debug',
};

const stamp = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 19);

/**
 * Plain log lines, `[YYYY-MM-DD HH:MM:SS] [LEVEL] [Context] message`, as the Python gateway wrote
 * them: errors to stderr, the rest to stdout, and all to the log file when one is given. Lines
 * below the configured level are dropped.
 */
export class GatewayLogger implements LoggerService {
  private threshold: number;

  /** `file`, when given, receives every line written too (the panel's log file). */
  constructor(
    level: GatewayLogLevel = 'info',
    private readonly file?: { append(line: string): void },
  ) {
    this.threshold = LEVELS.indexOf(level);
  }

  setLevel(level: GatewayLogLevel) {
    this.threshold = LEVELS.indexOf(level);
  }

  log(message: unknown, context?: string) {
    this.write('log', message, context);
  }
  error(message: unknown, traceOrContext?: string, context?: string) {
    this.write('error', message, context ?? traceOrContext);
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.write('verbose', message, context);
  }
  fatal(message: unknown, context?: string) {
    this.write('fatal', message, context);
  }

  private write(nestLevel: LogLevel, message: unknown, context?: string) {
    const level = NEST_TO_GATEWAY[nestLevel];
    if (LEVELS.indexOf(level) > this.threshold) return;
    const raw = message instanceof Error ? message.message : String(message);
    // One event, one line: a newline from a request (a model name, say) cannot forge a line.
    const text = raw.replace(/\r\n|\r|\n/g, ' ⏎ ');
    const where = context ? `[${context}] ` : '';
    const line = `[${stamp(new Date())}] [${level.toUpperCase()}] ${where}${text}\n`;
    (level === 'error' ? process.stderr : process.stdout).write(line);
    this.file?.append(line);
  }
}
