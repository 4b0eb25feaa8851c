import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { GatewayLogger, type GatewayLogLevel } from './common/gateway-logger';
import { EnvValidationError, validateEnv } from './env/env.schema';

const levels: readonly string[] = ['error', 'warn', 'info', 'debug'];

async function bootstrap() {
  const requested = process.env.LOG_LEVEL ?? 'info';
  const logger = new GatewayLogger(
    levels.includes(requested) ? (requested as GatewayLogLevel) : 'info',
  );
  try {
    // Validate before the app module loads: @nestjs/config would otherwise reject in the background.
    if (existsSync('.env')) process.loadEnvFile('.env');
    validateEnv(process.env);
    const { AppModule } = await import('./app.module');
    const app = await NestFactory.create(AppModule, { logger, bufferLogs: false });
    app.enableShutdownHooks();
    const config = app.get(ConfigService);
    const host = config.getOrThrow<string>('HOST');
    const port = config.getOrThrow<number>('PORT');
    await app.listen(port, host);
    logger.log(`gcli2api listening on http://${host}:${port}`, 'Gateway');
  } catch (err) {
    const message = err instanceof EnvValidationError ? err.message : (err as Error).message;
    logger.error(`Start-up failed: ${message}`, undefined, 'Gateway');
    process.exit(1);
  }
}

void bootstrap();
