import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { bearerToken } from '../auth/bearer-token';
import { PanelSessions } from '../auth/panel-sessions.service';
import { InFlightRequests } from '../lifecycle/in-flight-requests';
import { LogFile } from './log-file';

/** Injection token of the gateway's LogFile. */
export const LOG_FILE = Symbol('LOG_FILE');

type SseResponse = {
  setHeader(name: string, value: string): void;
  flushHeaders(): void;
  write(chunk: string): boolean;
  end(): void;
  readonly writableLength: number;
  on(event: 'close', listener: () => void): void;
};

/** Heartbeat (and session re-check) interval of the log stream, in milliseconds. */
const HEARTBEAT_MS = 15_000;
/** Bytes a slow log reader may have pending before lines are dropped. */
const MAX_BUFFERED = 1024 * 1024;

const fileStamp = (date: Date) =>
  date.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);

/**
 * The log routes of the panel (panel session required):
 * - `GET /auth/logs/download`: the log file as `gcli2api_logs_<YYYYmmdd_HHMMSS>.txt`; 404 when
 *   there is none or it is empty.
 * - `POST /auth/logs/clear`: empties it.
 * - `GET /auth/logs/stream`: Server-Sent Events, the last 50 lines and then every new one.
 */
@Controller('auth/logs')
export class LogsController {
  constructor(
    @Inject(LOG_FILE) private readonly file: LogFile,
    private readonly sessions: PanelSessions,
    private readonly inFlight: InFlightRequests,
  ) {}

  @Get('download')
  async download() {
    if (!(await this.file.hasContent())) throw new NotFoundException('The log file is empty');
    return new StreamableFile(createReadStream(this.file.path), {
      type: 'text/plain; charset=utf-8',
      disposition: `attachment; filename="gcli2api_logs_${fileStamp(new Date())}.txt"`,
    });
  }

  @Post('clear')
  @HttpCode(200)
  async clear() {
    await this.file.clear();
    return { message: 'Log file cleared' };
  }

  @Get('stream')
  async stream(
    @Headers('authorization') authorization: string | undefined,
    @Res() res: SseResponse,
  ) {
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const send = (line: string) => {
      // A reader that stops reading loses lines rather than growing the gateway's memory.
      if (res.writableLength < MAX_BUFFERED) res.write(`data: ${line.replace(/\n$/, '')}\n\n`);
    };
    for (const line of await this.file.tail(50)) send(line);
    const stop = this.file.follow(send);
    const token = bearerToken(authorization);
    // The session is checked again with each heartbeat: a logout or expiry ends the stream.
    const heartbeat = setInterval(() => {
      const check = token.kind === 'token' ? this.sessions.isValid(token.token) : false;
      void Promise.resolve(check).then(
        (valid) => (valid ? res.write(': keep-alive\n\n') : res.end()),
        () => res.end(),
      );
    }, HEARTBEAT_MS);
    // A tail never ends by itself: it ends when the gateway starts shutting down.
    const stopOnDrain = this.inFlight.onDrain(() => res.end());
    res.on('close', () => {
      stop();
      stopOnDrain();
      clearInterval(heartbeat);
    });
  }
}
