import type { ServerResponse } from 'node:http';
import type { RequestContext } from '../observability/request-context';
import { type ClientScope, clientScope } from './client-signal';

/**
 * Server-Sent Events to one client: `data: <json>` events written as they come, waiting when
 * the client reads slower than we write, and an AbortSignal that fires when the client goes
 * away so the upstream call can be aborted. `lineEnd` is `\n` (OpenAI) or `\r\n` (Google).
 */
export class SseWriter implements ClientScope {
  /** Fires when the client disconnects before the answer ended. */
  readonly signal: AbortSignal;
  readonly context?: RequestContext;
  private opened = false;
  private corked = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly lineEnd = '\n',
  ) {
    ({ signal: this.signal, context: this.context } = clientScope(res));
  }

  /** Sends the status line and event-stream headers now. */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.statusCode = 200;
    this.res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('cache-control', 'no-cache');
    this.res.setHeader('x-accel-buffering', 'no');
    this.res.flushHeaders();
  }

  /**
   * Writes one event (objects as JSON), named `event` when given (Anthropic names each event);
   * resolves when the client can take more.
   */
  async send(data: unknown, event?: string): Promise<void> {
    this.open();
    if (this.res.destroyed) return;
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    const end = this.lineEnd;
    const name = event === undefined ? '' : `event: ${event}${end}`;
    // Events sent in the same turn (one upstream packet often holds several) leave in one write.
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(() => {
        this.corked = false;
        this.res.uncork();
      });
    }
    if (!this.res.write(`${name}data: ${text}${end}${end}`)) await drained(this.res);
  }

  end(): void {
    this.open();
    if (!this.res.destroyed) this.res.end();
  }
}

/** Resolves when `res` can take more data, or is gone (a reader that left never drains). */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
