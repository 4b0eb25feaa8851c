/**
 * A local stand-in for Google's HTTP APIs, so that tests never call Google. It speaks the OAuth
 * token endpoint (`POST /token`, form-encoded `refresh_token` grant) out of the box, scripted per
 * refresh token, and takes further routes (a fake Code Assist, say) through `route()`. Every
 * request is recorded. Point the gateway at it with OAUTH_PROXY_URL=`fake.url`.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body text. */
  body: string;
  /** The body's fields when it was form-encoded. */
  form: Record<string, string>;
  /** The body when it was JSON. */
  json?: unknown;
  /** `Date.now()` when it arrived. */
  at: number;
  /**
   * True once the client closed the connection before the reply was finished (while the fake was
   * still waiting, or mid-stream). Set later than the request arrives: poll it. Connections the
   * fake itself drops (`drop`, `sse.dropAfter`, `close()`) do not count.
   */
  aborted: boolean;
}

/** A Server-Sent Events answer (`content-type: text/event-stream`). */
export interface FakeSse {
  /** One `data:` line each; strings are written as they are, anything else as JSON. */
  events: unknown[];
  /** Pause between two events (milliseconds); default 0. The first goes out with the headers. */
  intervalMs?: number;
  /** Destroy the socket after this many events, leaving the response unfinished. */
  dropAfter?: number;
  /** End lines with CRLF, as Google does; default LF. */
  crlf?: boolean;
}

/** What the fake answers; `drop` closes the connection without answering (a network error). */
export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (milliseconds); with `sse`, before the headers. */
  delayMs?: number;
  drop?: boolean;
  /** Answer with an event stream instead of `body`. */
  sse?: FakeSse;
}

export type RouteHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

/** A successful token answer; the access token defaults to a fresh `fake-access-<n>`. */
export function tokenOk(
  options: {
    accessToken?: string;
    expiresIn?: number;
    refreshToken?: string;
    delayMs?: number;
  } = {},
): FakeReply {
  return {
    delayMs: options.delayMs,
    body: {
      access_token: options.accessToken ?? `fake-access-${++issued}`,
      expires_in: options.expiresIn ?? 3599,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      ...(options.refreshToken ? { refresh_token: options.refreshToken } : {}),
    },
  };
}

/** An OAuth error answer, e.g. `tokenError(400, 'invalid_grant')` or `tokenError(500)`. */
export function tokenError(
  status: number,
  error = status >= 500 ? 'internal_failure' : 'invalid_request',
  options: { delayMs?: number } = {},
): FakeReply {
  return { status, delayMs: options.delayMs, body: { error, error_description: `fake ${error}` } };
}

/** The connection is closed without an answer. */
export function dropConnection(): FakeReply {
  return { drop: true };
}

let issued = 0;

export interface FakeGoogle {
  /** Base URL, `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /**
   * Scripts the token endpoint's answers to one refresh token: one reply per request, in order,
   * the last one repeating. Unscripted refresh tokens get `tokenOk()`.
   */
  scriptToken(refreshToken: string, ...replies: FakeReply[]): void;
  /** The token requests made with `refreshToken`, or all of them. */
  tokenRequests(refreshToken?: string): RecordedRequest[];
  /** Answers `method path` with `handler`; replaces a previous route of the same key. */
  route(method: string, path: string, handler: RouteHandler): void;
  /** The handler of `method path`, to wrap it (see fake-google-accounts.ts). */
  handlerOf(method: string, path: string): RouteHandler | undefined;
  /** Answers `method` on every path matching `pattern` that has no exact route. */
  routePattern(method: string, pattern: RegExp, handler: RouteHandler): void;
  /** Forgets the recorded requests and the token scripts (routes stay). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeGoogle(): Promise<FakeGoogle> {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, FakeReply[]>();
  const routes = new Map<string, RouteHandler>();
  const patterns: Array<{ method: string; pattern: RegExp; handler: RouteHandler }> = [];
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  routes.set('POST /token', (request) => {
    const queue = scripts.get(request.form.refresh_token ?? '');
    if (!queue || queue.length === 0) return tokenOk();
    return queue.length > 1 ? queue.shift()! : queue[0];
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString('utf8');
      const type = String(req.headers['content-type'] ?? '');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        form: type.includes('x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(body))
          : {},
        json: type.includes('json') ? parseJson(body) : undefined,
        at: Date.now(),
        aborted: false,
      };
      requests.push(request);
      let dropped = false;
      res.on('close', () => {
        if (!res.writableFinished && !dropped && !closing) request.aborted = true;
      });
      /** `afterFlush` lets what was written reach the client first (a mid-stream cut). */
      const drop = (afterFlush = false) => {
        dropped = true;
        if (afterFlush) res.socket?.destroySoon();
        else res.socket?.destroy();
      };
      const handler =
        routes.get(`${request.method} ${request.path}`) ??
        patterns.find((p) => p.method === request.method && p.pattern.test(request.path))?.handler;
      // Through then(), so that a handler that throws answers 500 instead of crashing the fake.
      const reply = handler
        ? Promise.resolve(request).then(handler)
        : Promise.resolve({
            status: 404,
            body: { error: { code: 404, message: 'no fake route' } },
          });
      reply.then(
        (answer) => send(res, answer, drop),
        (err: Error) => send(res, { status: 500, body: { error: { message: err.message } } }, drop),
      );
    });
  });

  const send = (res: ServerResponse, reply: FakeReply, drop: (afterFlush?: boolean) => void) => {
    const answer = () => {
      if (res.destroyed) return;
      if (reply.drop) return drop();
      if (reply.sse) return stream(res, reply, reply.sse, drop);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    };
    if (reply.delayMs) later(reply.delayMs, answer);
    else answer();
  };

  const stream = (
    res: ServerResponse,
    reply: FakeReply,
    sse: FakeSse,
    drop: (afterFlush: boolean) => void,
  ) => {
    const eol = sse.crlf ? '\r\n' : '\n';
    res.writeHead(reply.status ?? 200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...reply.headers,
    });
    const write = (index: number) => {
      if (res.destroyed) return;
      if (index === sse.dropAfter) {
        res.flushHeaders();
        return drop(true);
      }
      if (index === sse.events.length) return void res.end();
      const event = sse.events[index];
      res.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}${eol}${eol}`);
      later(index + 1 === sse.events.length ? 0 : (sse.intervalMs ?? 0), () => write(index + 1));
    };
    write(0);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    scriptToken: (refreshToken, ...replies) => scripts.set(refreshToken, [...replies]),
    tokenRequests: (refreshToken) =>
      requests.filter(
        (r) =>
          r.method === 'POST' &&
          r.path === '/token' &&
          (refreshToken === undefined || r.form.refresh_token === refreshToken),
      ),
    route: (method, path, handler) => routes.set(`${method.toUpperCase()} ${path}`, handler),
    handlerOf: (method, path) => routes.get(`${method.toUpperCase()} ${path}`),
    routePattern: (method, pattern, handler) =>
      patterns.push({ method: method.toUpperCase(), pattern, handler }),
    reset: () => {
      requests.length = 0;
      scripts.clear();
    },
    close: async () => {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
