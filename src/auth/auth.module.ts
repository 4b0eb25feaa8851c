import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Clock } from '../common/clock';
import { JsonBodyGuard } from '../common/json-body.guard';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { DefaultPasswordWarning } from './default-password.warning';
import { PanelSessions } from './panel-sessions.service';
import { PasswordThrottle } from './password-throttle.service';

/** Panel sessions, the API password check and the global guards in front of every route. */
@Module({
  controllers: [AuthController],
  providers: [
    PanelSessions,
    PasswordThrottle,
    Clock,
    DefaultPasswordWarning,
    { provide: APP_GUARD, useClass: AuthGuard },
    // After the AuthGuard (global guards run in the order they are provided): bodies are read
    // only for callers that passed it.
    { provide: APP_GUARD, useClass: JsonBodyGuard },
  ],
  exports: [PanelSessions],
})
export class AuthModule {}
