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
}

/** What the fake answers; `drop` closes the connection without answering (a network error). */
export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (milliseconds). */
  delayMs?: number;
  drop?: boolean;
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
  /** Forgets the recorded requests and the token scripts (routes stay). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeGoogle(): Promise<FakeGoogle> {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, FakeReply[]>();
  const routes = new Map<string, RouteHandler>();
  const timers = new Set<NodeJS.Timeout>();

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
      };
      requests.push(request);
      const handler = routes.get(`${request.method} ${request.path}`);
      const reply = handler
        ? Promise.resolve(handler(request))
        : Promise.resolve({
            status: 404,
            body: { error: { code: 404, message: 'no fake route' } },
          });
      reply.then(
        (answer) => send(res, answer),
        (err: Error) => send(res, { status: 500, body: { error: { message: err.message } } }),
      );
    });
  });

  const send = (res: ServerResponse, reply: FakeReply) => {
    const answer = () => {
      if (reply.drop) {
        res.socket?.destroy();
        return;
      }
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    };
    if (!reply.delayMs) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, reply.delayMs);
    timers.add(timer);
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
    reset: () => {
      requests.length = 0;
      scripts.clear();
    },
    close: async () => {
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
