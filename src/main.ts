import 'reflect-metadata';
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { GATEWAY_APP_OPTIONS } from './app.options';
import { configureApp } from './app.setup';
import { runWorkerPool } from './cluster/cluster-primary';
import { reportBackend, workerNumber } from './cluster/worker-id';
import { GatewayLogger, type GatewayLogLevel } from './common/gateway-logger';
import { EnvValidationError, logLevelName, validateEnv } from './env/env.schema';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';
import { LogFile } from './logs/log-file';
import type { StorageSelection } from './storage/select-backend';
import { STORAGE_SELECTION } from './storage/storage.constants';

const levels: readonly string[] = ['error', 'warn', 'info', 'debug'];

async function bootstrap() {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const requested = String(logLevelName(process.env.LOG_LEVEL ?? 'info'));
  let logger = new GatewayLogger(
    levels.includes(requested) ? (requested as GatewayLogLevel) : 'info',
  );
  try {
    // Validate before the app module loads: @nestjs/config would otherwise reject in the background.
    const env = validateEnv(process.env);
    logger = new GatewayLogger(
      env.LOG_LEVEL,
      LogFile.at(env.LOG_FILE, env.LOG_FILE_MAX_MB * 1024 * 1024, env.LOG_FILE_COUNT, {
        // Under WORKERS=N every process writes the file, and worker 1 alone rotates it.
        rotates: cluster.isPrimary ? env.WORKERS <= 1 : workerNumber() === 1,
      }),
      env.LOG_FORMAT,
    );
    if (env.WORKERS > 1 && cluster.isPrimary) {
      // The primary only supervises: each worker runs the whole gateway on the shared port.
      return runWorkerPool({
        count: env.WORKERS,
        stopTimeoutMs: env.WORKER_STOP_TIMEOUT_MS,
        logger,
      });
    }
    const { AppModule } = await import('./app.module');
    const { SettingsService } = await import('./config/settings.service');
    const app = await NestFactory.create<NestExpressApplication>(AppModule, {
      ...GATEWAY_APP_OPTIONS,
      logger,
      bufferLogs: false,
    });
    configureApp(app);
    installGracefulShutdown(app, logger, env.SHUTDOWN_TIMEOUT_MS);
    // Under WORKERS=N, the primary starts the other workers on the backend this one selected.
    reportBackend(app.get<StorageSelection>(STORAGE_SELECTION).active);
    // Host and port are settings like the others (env > stored > default), read once here,
    // after init has loaded the stored ones.
    await app.init();
    const settings = app.get(SettingsService);
    const host = settings.get('host');
    const port = settings.get('port');
    await app.listen(port, host);
    const shown = host.includes(':') ? `[${host}]` : host;
    logger.log(`gcli2api listening on http://${shown}:${port}`, 'Gateway');
  } catch (err) {
    if (err instanceof EnvValidationError) {
      // Log lines are single lines; the problems follow, one per line (names and rules only).
      logger.error('Start-up failed: Invalid environment:', undefined, 'Gateway');
      process.stderr.write(`${err.problems.map((problem) => `  ${problem}`).join('\n')}\n`);
    } else {
      logger.error(`Start-up failed: ${(err as Error).message}`, undefined, 'Gateway');
    }
    process.exit(1);
  }
}

void bootstrap();
