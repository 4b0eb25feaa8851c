import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { ApiModule } from './api/api.module';
import { AuthModule } from './auth/auth.module';
import { PanelModule } from './control-panel/panel.module';
import { CredentialsModule } from './credentials/credentials.module';
import { GatewayConfigModule } from './config/gateway-config.module';
import { HttpErrorFilter } from './common/http-error.filter';
import { gatewayEnv, validateEnv } from './env/env.schema';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LogsModule } from './logs/logs.module';
import { ObservabilityModule } from './observability/observability.module';
import { StorageInfoModule } from './storage-info/storage-info.module';
import { poolBackend } from './cluster/worker-id';
import { storageCandidates } from './storage/storage-candidates';
import { StorageModule } from './storage/storage.module';
import { UsageModule } from './usage/usage.module';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      ignoreEnvFile: true,
      validate: validateEnv,
    }),
    StorageModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const env = gatewayEnv(config);
        return {
          candidates: storageCandidates(env),
          fallback: env.STORAGE_FALLBACK,
          connectTimeoutMs: env.STORAGE_CONNECT_TIMEOUT_MS,
          startupRetryMs: env.STORAGE_STARTUP_RETRY_MS,
          recheckMs: env.STORAGE_RECHECK_MS,
          only: poolBackend(),
        };
      },
    }),
    // First of the modules with routes: Express tries routes in the order they were added, so the
    // model routes, which carry nearly all the traffic, match without trying the admin routes.
    ApiModule,
    LifecycleModule,
    GatewayConfigModule,
    AuthModule,
    CredentialsModule,
    HealthModule,
    StorageInfoModule,
    LogsModule,
    // The web control panel's static page and assets (the panel itself lives in panel/).
    PanelModule,
    ObservabilityModule,
    UsageModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
})
export class AppModule {}
