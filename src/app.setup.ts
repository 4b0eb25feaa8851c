import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import { apiJsonBody, flavorOfPath } from './api/api-body.parser';
import { type ApiKeyRequest, checkApiKey } from './auth/api-key-check';
import { SettingsService } from './config/settings.service';
import type { GatewayEnv } from './env/env.schema';
import { configureOperations } from './observability/operations.setup';

/**
 * What the gateway sets on its Nest application besides the modules, shared by `main.ts` and the
 * tests' in-process app: proxy trust (so login throttling sees real client addresses behind a
 * reverse proxy), CORS for browser chat clients (credentials travel in headers, not cookies) and
 * the larger body limit of the model routes.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get(ConfigService<GatewayEnv, true>);
  app.set('trust proxy', config.get('TRUST_PROXY', { infer: true }));
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
      const style = flavorOfPath(req.url ?? '/') === 'openai' ? 'openai' : 'gemini';
      return checkApiKey(request, style, settings.apiPassword().value).ok;
    }),
  );
  app.enableCors({ origin: '*', exposedHeaders: ['Retry-After', 'Content-Disposition'] });
}
