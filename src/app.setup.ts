import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import type { GatewayEnv } from './env/env.schema';

/**
 * What the gateway sets on its Nest application besides the modules, shared by `main.ts` and the
 * tests' in-process app: proxy trust (so login throttling sees real client addresses behind a
 * reverse proxy) and CORS for browser chat clients (credentials travel in headers, not cookies).
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get(ConfigService<GatewayEnv, true>);
  app.set('trust proxy', config.get('TRUST_PROXY', { infer: true }));
  app.disable('x-powered-by');
  app.enableCors({ origin: '*', exposedHeaders: ['Retry-After', 'Content-Disposition'] });
}
