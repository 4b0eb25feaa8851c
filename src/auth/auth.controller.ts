import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Logger,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
  UsePipes,
} from '@nestjs/common';
import { z } from 'zod';
import { schemaValidationPipe } from '../common/schema-validation.pipe';
import { SettingsService } from '../config/settings.service';
import type { StorageSelection } from '../storage/select-backend';
import { InjectStorageSelection } from '../storage/storage.decorators';
import { Public } from './auth.decorators';
import { bearerToken } from './bearer-token';
import { degradedDefaultRefusal } from './degraded-default';
import { PanelSessions } from './panel-sessions.service';
import { PasswordThrottle } from './password-throttle.service';
import { sameSecret } from './same-secret';

const loginBodySchema = z.object(
  {
    password: z
      .string({ message: 'must be the panel password' })
      .min(1, { message: 'must not be empty' })
      .max(1024, { message: 'is too long' }),
  },
  { message: 'the body must be a JSON object {"password": "..."}' },
);

/**
 * Panel login and logout. `POST /auth/login {password}` answers `{token, token_type, expires_at,
 * expires_in, message}`: a random session token, never the password. Five failed password attempts
 * a minute from one client (here or with an API key) answer 429 with `Retry-After` until the
 * oldest failure is a minute old.
 */
@Controller('auth')
@UsePipes(schemaValidationPipe)
export class AuthController {
  private readonly logger = new Logger('Auth');
  constructor(
    private readonly throttle: PasswordThrottle,
    private readonly settings: SettingsService,
    private readonly sessions: PanelSessions,
    @InjectStorageSelection() private readonly selection: StorageSelection,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  async login(
    @Body({ schema: loginBodySchema }) body: z.infer<typeof loginBodySchema>,
    @Req() req: { ip?: string },
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void },
  ) {
    const client = req.ip;
    const panel = this.settings.panelPassword();
    const right = sameSecret(body.password, panel.value);
    // A wrong password is counted as it is checked against the block (PasswordThrottle.reject).
    const wait = await (right ? this.throttle.retryAfter(client) : this.throttle.reject(client));
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new HttpException(
        `Too many failed logins from this client: try again in ${wait} s`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    if (!right) {
      this.logger.warn(`Failed panel login from ${client ?? 'an unknown address'}`);
      throw new UnauthorizedException('Wrong panel password');
    }
    if (panel.isDefault && this.selection.degraded) {
      const reason = degradedDefaultRefusal(this.selection, 'panel', 'PANEL_PASSWORD or PASSWORD');
      this.logger.warn(`Refused a panel login: ${reason}`);
      throw new ServiceUnavailableException(reason);
    }
    await this.throttle.succeed(client);
    const session = await this.sessions.start();
    return {
      token: session.token,
      token_type: 'Bearer',
      expires_at: session.expiresAt.toISOString(),
      expires_in: session.ttlSeconds,
      message: 'Logged in',
    };
  }

  /** Ends the session whose token authorised this request (the guard checked it). */
  @Post('logout')
  @HttpCode(200)
  async logout(@Headers('authorization') authorization: string | undefined) {
    const bearer = bearerToken(authorization);
    if (bearer.kind === 'token') await this.sessions.end(bearer.token);
    return { message: 'Logged out' };
  }
}
