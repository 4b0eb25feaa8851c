import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { DefaultPasswordWarning } from './default-password.warning';
import { PanelSessions } from './panel-sessions.service';

/** Panel sessions, the API password check and the global guard in front of every route. */
@Module({
  controllers: [AuthController],
  providers: [PanelSessions, DefaultPasswordWarning, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
