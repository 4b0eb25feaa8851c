import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthModule } from '../auth/auth.module';
import type { GatewayEnv } from '../env/env.schema';
import { LogFile } from './log-file';
import { LOG_FILE, LogsController } from './logs.controller';

/** The panel's view of the log file that the gateway logger writes (LOG_FILE). */
@Module({
  imports: [AuthModule],
  controllers: [LogsController],
  providers: [
    {
      provide: LOG_FILE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) =>
        LogFile.at(
          config.get('LOG_FILE', { infer: true }),
          config.get('LOG_FILE_MAX_MB', { infer: true }) * 1024 * 1024,
          config.get('LOG_FILE_COUNT', { infer: true }),
        ),
    },
  ],
})
export class LogsModule {}
