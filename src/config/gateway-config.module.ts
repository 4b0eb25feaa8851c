import { Global, Module } from '@nestjs/common';
import { SettingsService } from './settings.service';

/** Persisted, hot-reloaded gateway settings (not to be confused with @nestjs/config's env). */
@Global()
@Module({ providers: [SettingsService], exports: [SettingsService] })
export class GatewayConfigModule {}
