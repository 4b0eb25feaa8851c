import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { bearerToken } from '../auth/bearer-token';
import { PanelSessions } from '../auth/panel-sessions.service';
import type { GatewayEnv } from '../env/env.schema';
import { buildOpenApiDocument } from './openapi-document';

/** Where the docs are served: the UI (and its assets) and the JSON and YAML documents. */
const DOCS_PATHS = ['/docs', '/docs-json', '/docs-yaml'];

/**
 * Serves the OpenAPI document at `/docs-json` (and `/docs-yaml`) and Swagger UI at `/docs`.
 * These are plain Express routes, outside the global guard, so they are gated here: open to
 * anyone with DOCS_PUBLIC=true, else only with a panel session (`Authorization: Bearer`). A
 * browser sends no such header when it opens a page, so the UI itself needs DOCS_PUBLIC=true
 * (or a proxy that adds the header); the JSON works with a session from any HTTP client.
 */
export function configureDocs(app: NestExpressApplication): void {
  const config = app.get(ConfigService<GatewayEnv, true>);
  const open = config.get('DOCS_PUBLIC', { infer: true });
  const sessions = app.get(PanelSessions);
  app.use(DOCS_PATHS, (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (open) return next();
    const bearer = bearerToken(req.headers.authorization);
    const check = bearer.kind === 'token' ? sessions.isValid(bearer.token) : Promise.resolve(false);
    check.then(
      (valid) => (valid ? next() : refuse(res)),
      () => refuse(res),
    );
  });
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, '1'), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}

function refuse(res: ServerResponse) {
  res.statusCode = 401;
  res.setHeader('WWW-Authenticate', 'Bearer');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(
    JSON.stringify({
      statusCode: 401,
      error: 'Unauthorized',
      message:
        'Panel session required: log in with POST /auth/login and send Authorization: Bearer <token> (or set DOCS_PUBLIC=true)',
    }),
  );
}
