import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { apiJsonBody, flavorOfPath } from './api/api-body.parser';
import { type ApiKeyRequest, checkApiKey } from './auth/api-key-check';
import { SettingsService } from './config/settings.service';
import type { GatewayEnv } from './env/env.schema';
import { configureOperations } from './observability/operations.setup';

/**
 * What the gateway sets on its Nest application besides the modules, shared by `main.ts` and the
 * tests' in-process app: proxy trust (so login throttling sees real client addresses behind a
 * reverse proxy), the operational layer (request observer, CORS, docs) and the larger body limit
 * of the model routes.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get(ConfigService<GatewayEnv, true>);
  app.set('trust proxy', trustedProxies(config.get('TRUST_PROXY', { infer: true })));
  app.disable('x-powered-by');
  configureOperations(app);
  // Idle keep-alive connections outlive a client's or proxy's own idle timeout (commonly 4-60 s),
  // so the server never closes a connection a client is about to reuse.
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const settings = app.get(SettingsService);
  const limit = config.get('API_BODY_LIMIT_MB', { infer: true }) * 2 ** 20;
  app.use(
    apiJsonBody(limit, (req) => {
      const request = req as unknown as ApiKeyRequest;
      return checkApiKey(request, flavorOfPath(req.url ?? '/'), settings.apiPassword().value).ok;
    }),
  );
}

/**
 * Express's `trust proxy`, except that `true` means one hop: Express would take the leftmost
 * X-Forwarded-For entry, which the client writes itself, and a client could then pick a new
 * address for every guess at the password. One hop reads the address the nearest proxy saw.
 */
export function trustedProxies(value: boolean | number | string): boolean | number | string {
  if (value !== true) return value;
  new Logger('Gateway').warn(
    'TRUST_PROXY=true is taken as one proxy hop (the address your reverse proxy saw); set the ' +
      'number of proxies in front of the gateway or their addresses (e.g. loopback, 10.0.0.0/8)',
  );
  return 1;
}
