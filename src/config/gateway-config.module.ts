import { Global, Module } from '@nestjs/common';
import { ConfigController } from './config.controller';
import { SettingsEditor } from './settings-editor.service';
import { SettingsService } from './settings.service';

/** Persisted, hot-reloaded gateway settings (not to be confused with @nestjs/config's env). */
@Global()
@Module({
  controllers: [ConfigController],
  providers: [SettingsService, SettingsEditor],
  exports: [SettingsService],
})
export class GatewayConfigModule {}
