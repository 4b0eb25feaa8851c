import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path';
import { bearerToken } from '../auth/bearer-token';
import { PanelSessions } from '../auth/panel-sessions.service';
import type { GatewayEnv } from '../env/env.schema';
import { docsPage } from './docs-page';

/** Where the docs are served: the UI (and its assets) and the JSON document. */
const DOCS_PATHS = ['/docs', '/docs-json'];

type Next = () => void;

/**
 * Serves the OpenAPI document at `/docs-json` and Swagger UI at `/docs`. They sit outside the
 * global guard (Express middleware, before Nest's routes), so they are gated here: open to
 * anyone with DOCS_PUBLIC=true, else only with a panel session (`Authorization: Bearer`). A
 * browser sends no such header when it opens a page, so the UI itself needs DOCS_PUBLIC=true (or
 * a proxy that adds the header); the JSON works with a session from any HTTP client.
 *
 * `@nestjs/swagger` takes most of a second to load, so it is loaded, and the document built, on
 * the first request for it: start-up does not pay for docs that are rarely read.
 */
export function configureDocs(app: NestExpressApplication): void {
  const config = app.get(ConfigService<GatewayEnv, true>);
  const open = config.get('DOCS_PUBLIC', { infer: true });
  const sessions = app.get(PanelSessions);
  app.use(DOCS_PATHS, (req: IncomingMessage, res: ServerResponse, next: Next) => {
    if (open) return next();
    const bearer = bearerToken(req.headers.authorization);
    const check = bearer.kind === 'token' ? sessions.isValid(bearer.token) : Promise.resolve(false);
    check.then(
      (valid) => (valid ? next() : refuse(res)),
      () => refuse(res),
    );
  });

  let document: Promise<string> | undefined;
  const json = () =>
    (document ??= import('./openapi-document').then(async ({ buildOpenApiDocument }) =>
      JSON.stringify(await buildOpenApiDocument(app, '1')),
    ));
  app.use('/docs-json', (req: IncomingMessage, res: ServerResponse, next: Next) => {
    if (req.method !== 'GET' || (req.url !== '/' && req.url !== '')) return next();
    json().then(
      (body) => send(res, 200, 'application/json; charset=utf-8', body),
      (err: Error) =>
        send(res, 500, 'text/plain; charset=utf-8', `OpenAPI document: ${err.message}`),
    );
  });
  app.use('/docs', (req: IncomingMessage, res: ServerResponse, next: Next) => {
    if (req.method !== 'GET' || (req.url !== '/' && req.url !== '')) return next();
    send(res, 200, 'text/html; charset=utf-8', docsPage('/docs-json'));
  });
  app.useStaticAssets(getAbsoluteFSPath(), { prefix: '/docs/', index: false });
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.end(body);
}

function refuse(res: ServerResponse) {
  res.setHeader('WWW-Authenticate', 'Bearer');
  const message =
    'Panel session required: log in with POST /auth/login and send Authorization: Bearer <token> (or set DOCS_PUBLIC=true)';
  send(
    res,
    401,
    'application/json; charset=utf-8',
    JSON.stringify({ statusCode: 401, error: 'Unauthorized', message }),
  );
}
