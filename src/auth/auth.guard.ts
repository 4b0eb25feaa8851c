import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { apiErrorBody } from '../api/api-error';
import { SettingsService } from '../config/settings.service';
import type { StorageSelection } from '../storage/select-backend';
import { InjectStorageSelection } from '../storage/storage.decorators';
import { type ApiKeyRequest, checkApiKey } from './api-key-check';
import { AUTH_POLICY, type ApiKeyStyle, type AuthPolicy } from './auth.decorators';
import { bearerToken } from './bearer-token';
import { degradedDefaultRefusal } from './degraded-default';
import { PanelSessions } from './panel-sessions.service';
import { PasswordThrottle } from './password-throttle.service';

type Request = ApiKeyRequest & { ip?: string };
type Response = { setHeader(name: string, value: string): void };

/**
 * The one gate in front of every route (registered globally): a route is open only when marked
 * `@Public()`, a model route marked `@ApiKeyAuth(style)` needs the API password (wrong keys count
 * toward the client's failed password attempts, like failed logins), and every other
 * route — whatever is added later — needs a live panel session (`Authorization: Bearer <token>`
 * from `POST /auth/login`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly settings: SettingsService,
    private readonly sessions: PanelSessions,
    private readonly throttle: PasswordThrottle,
    @InjectStorageSelection() private readonly selection: StorageSelection,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AuthPolicy | undefined>(AUTH_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy?.kind === 'public') return true;
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (policy?.kind === 'api-key') return this.checkApiKey(req, res, policy.style);
    return this.checkPanelSession(req, res);
  }

  private async checkApiKey(req: Request, res: Response, style: ApiKeyStyle): Promise<boolean> {
    const password = this.settings.apiPassword();
    const verdict = checkApiKey(req, style, password.value);
    // A wrong key is counted as it is checked against the block (see PasswordThrottle.reject).
    const wrong = !verdict.ok && verdict.status === 403;
    const wait = await (wrong ? this.throttle.reject(req.ip) : this.throttle.retryAfter(req.ip));
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      const message = `Too many failed password attempts from this client: try again in ${wait} s`;
      throw new HttpException(apiErrorBody(verdict.flavor, 429, message, 'too_many_attempts'), 429);
    }
    if (!verdict.ok) {
      if (verdict.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpException(
        apiErrorBody(verdict.flavor, verdict.status, verdict.message, verdict.code),
        verdict.status,
      );
    }
    if (password.isDefault && this.selection.degraded) {
      const message = degradedDefaultRefusal(this.selection, 'API', 'API_PASSWORD or PASSWORD');
      throw new HttpException(apiErrorBody(verdict.flavor, 503, message, 'storage_degraded'), 503);
    }
    return true;
  }

  private async checkPanelSession(req: Request, res: Response): Promise<boolean> {
    const bearer = bearerToken(req.headers.authorization);
    if (bearer.kind === 'token' && (await this.sessions.isValid(bearer.token))) return true;
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(
      bearer.kind === 'token'
        ? 'Panel session is invalid or expired: log in again with POST /auth/login'
        : 'Panel session required: log in with POST /auth/login and send Authorization: Bearer <token>',
    );
  }
}
