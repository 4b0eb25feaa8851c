import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { SettingsService } from '../../config/settings.service';

/** Ports tried upwards from `oauth_callback_port` before the system picks a free one. */
const PORTS_TRIED = 100;

/** What Google's redirect carried: a code, or the error the user or Google gave. */
export interface CallbackOutcome {
  code?: string;
  error?: string;
}

type Handler = (state: string, outcome: CallbackOutcome) => Promise<unknown>;

/**
 * The small HTTP server Google's redirect reaches (`http://localhost:<port>/?state&code`), apart
 * from the gateway's routes and its guard: it is opened when a sign-in starts, on the first free
 * port from `oauth_callback_port`, and closed when no sign-in of this process is left pending
 * (finished, or past its time). It only hands the code to the sign-in and shows the outcome.
 */
@Injectable()
export class CallbackListener implements OnApplicationShutdown {
  private readonly logger = new Logger('Signin');
  private server?: Server;
  private opening?: Promise<number>;
  private port?: number;
  private handler?: Handler;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly settings: SettingsService) {}

  /** Opens the listener if needed and waits for `state` (at most `ttlMs`); resolves to the port. */
  async open(state: string, ttlMs: number, handler: Handler): Promise<number> {
    this.handler = handler;
    const timer = setTimeout(() => this.release(state), ttlMs);
    timer.unref();
    this.pending.set(state, timer);
    try {
      if (this.port !== undefined && this.server) return this.port;
      this.opening ??= this.listen().finally(() => (this.opening = undefined));
      return await this.opening;
    } catch (err) {
      this.release(state);
      throw err;
    }
  }

  /** `state` needs the listener no more; it closes when nothing else does. */
  release(state: string): void {
    clearTimeout(this.pending.get(state));
    this.pending.delete(state);
    if (this.pending.size === 0 && this.server && !this.opening) this.close();
  }

  /** Whether the listener is open (for tests and the status of the panel). */
  get listening(): boolean {
    return this.server !== undefined;
  }

  onApplicationShutdown() {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.close(true);
  }

  private async listen(): Promise<number> {
    const first = this.settings.get('oauth_callback_port');
    const host = this.settings.get('host');
    const ports = Array.from({ length: PORTS_TRIED }, (_, i) => first + i).filter(
      (p) => p <= 65_535,
    );
    for (const port of [...ports, 0]) {
      const server = createServer((req, res) => void this.handle(req, res));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve());
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
        throw err;
      }
      this.server = server;
      this.port = (server.address() as AddressInfo).port;
      this.logger.log(`OAuth callback listener open on port ${this.port}`);
      return this.port;
    }
    throw new Error('no free port for the OAuth callback listener');
  }

  /** Stops accepting; a callback being answered still gets its page unless `now`. */
  private close(now = false) {
    const server = this.server;
    this.server = undefined;
    this.port = undefined;
    if (!server) return;
    server.close();
    if (now) server.closeAllConnections();
    else server.closeIdleConnections();
    this.logger.log('OAuth callback listener closed');
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const state = url.searchParams.get('state');
    if (req.method !== 'GET' || url.pathname !== '/' || !state || !this.handler) {
      return page(res, 404, 'Not a sign-in', 'This address only receives Google sign-ins.');
    }
    const code = url.searchParams.get('code') ?? undefined;
    const error = url.searchParams.get('error') ?? undefined;
    try {
      await this.handler(state, { code, error });
      page(res, 200, 'Signed in', 'The credential was added. You can close this window.');
    } catch (err) {
      page(res, 400, 'Sign-in failed', (err as Error).message);
    }
  }
}

function page(res: ServerResponse, status: number, title: string, text: string) {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // One request per sign-in: a kept-alive socket would keep a closed listener answering.
    connection: 'close',
    'content-security-policy': "default-src 'none'",
  });
  res.end(
    `<!doctype html><meta charset="utf-8"><title>${escape(title)}</title>` +
      `<h1>${escape(title)}</h1><p>${escape(text)}</p>`,
  );
}
