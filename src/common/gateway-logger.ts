import { Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';
import { currentRequest } from '../observability/request-context';
import { redactFields, textFields } from './log-fields';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type GatewayLogLevel = (typeof LEVELS)[number];

/** `text`: the Python gateway's plain lines (the default); `json`: one JSON object per line. */
export type GatewayLogFormat = 'text' | 'json';

const NEST_TO_GATEWAY: Record<LogLevel, GatewayLogLevel> = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'debug',
};

const stamp = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 19);

type Sink = { append(line: string): void };

/** One log event, before it becomes a line. */
interface LogEvent {
  level: GatewayLogLevel;
  msg: string;
  context?: string;
  requestId?: string;
  fields: Record<string, unknown>;
}

/**
 * The gateway's log lines. `text` (default) writes `[YYYY-MM-DD HH:MM:SS] [LEVEL] [Context]
 * message` as the Python gateway did; `json` writes one pino JSON object per line (`level`,
 * `time`, `context`, `msg`, and the event's fields). Either way a line written while a request
 * is answered carries its `request_id`, an event's fields named like secrets are redacted, errors
 * go to stderr and the rest to stdout, and every line also goes to the log file when one is
 * given. Lines below the configured level are dropped.
 */
export class GatewayLogger implements LoggerService {
  private threshold: number;
  private readonly json?: Pino;
  /** The line pino produced for the call under way (pino writes synchronously to `sink`). */
  private produced = '';

  /** `file`, when given, receives every line written too (the panel's log file). */
  constructor(
    level: GatewayLogLevel = 'info',
    private readonly file?: Sink,
    format: GatewayLogFormat = 'text',
  ) {
    this.threshold = LEVELS.indexOf(level);
    if (format === 'json') {
      this.json = pino(
        {
          level: 'debug',
          base: null,
          timestamp: pino.stdTimeFunctions.isoTime,
          formatters: { level: (label) => ({ level: label }) },
        },
        { write: (line: string) => (this.produced = line) },
      );
    }
  }

  setLevel(level: GatewayLogLevel) {
    this.threshold = LEVELS.indexOf(level);
  }

  /** Whether lines of `level` are written now. */
  enabled(level: GatewayLogLevel): boolean {
    return LEVELS.indexOf(level) <= this.threshold;
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
    const event: LogEvent = {
      level,
      context,
      requestId: currentRequest()?.id,
      ...eventOf(message),
    };
    const line = this.json ? this.jsonLine(event) : textLine(event);
    (level === 'error' ? process.stderr : process.stdout).write(line);
    this.file?.append(line);
  }

  private jsonLine({ level, msg, context, requestId, fields }: LogEvent): string {
    this.json![level]({ context, request_id: requestId, ...fields }, msg);
    return this.produced;
  }
}

/** A message as text plus fields: plain objects are events (`msg` and fields), errors their message. */
function eventOf(message: unknown): { msg: string; fields: Record<string, unknown> } {
  if (message instanceof Error) return { msg: message.message, fields: {} };
  if (message && typeof message === 'object' && !Array.isArray(message)) {
    const { msg, ...rest } = message as Record<string, unknown>;
    return { msg: typeof msg === 'string' ? msg : '', fields: redactFields(rest) };
  }
  return { msg: String(message), fields: {} };
}

function textLine({ level, msg, context, requestId, fields }: LogEvent): string {
  const extra = textFields(
    requestId && !fields.request_id ? { ...fields, request_id: requestId } : fields,
  );
  const raw = extra ? `${msg} ${extra}` : msg;
  // One event, one line: a newline from a request (a model name, say) cannot forge a line.
  const text = raw.replace(/\r\n|\r|\n/g, ' ⏎ ');
  const where = context ? `[${context}] ` : '';
  return `[${stamp(new Date())}] [${level.toUpperCase()}] ${where}${text}\n`;
}

/** Reads the logger Nest's `Logger` instances write through (a protected static of Nest's). */
class ActiveLogger extends Logger {
  static get(): LoggerService | undefined {
    return Logger.staticInstanceRef;
  }
}

/**
 * Whether a line of `level` would be written by the app's logger: lets a caller skip building a
 * line nobody will see (the access line of every model call). True unless the app logs through a
 * GatewayLogger whose level drops it.
 */
export function logLevelEnabled(level: GatewayLogLevel): boolean {
  const active = ActiveLogger.get();
  return !(active instanceof GatewayLogger) || active.enabled(level);
}
