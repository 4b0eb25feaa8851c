import { Injectable, UnauthorizedException } from '@nestjs/common';
import { bearerToken } from '../auth/bearer-token';
import { PanelSessions } from '../auth/panel-sessions.service';
import { sameSecret } from '../auth/same-secret';

type Response = { setHeader(name: string, value: string): void };

/**
 * Access to the operator routes (`/metrics`, `/docs`) that machines and people both read: a
 * route-specific bearer token (METRICS_TOKEN for a Prometheus scraper) or a live panel session.
 * With no token configured only a panel session opens them: nothing about the gateway's traffic
 * or shape is public unless the operator chose so.
 */
@Injectable()
export class OperatorAccess {
  constructor(private readonly sessions: PanelSessions) {}

  /** Throws 401 unless `authorization` carries `token` (when set) or a live panel session. */
  async require(
    authorization: string | undefined,
    res: Response,
    token: string | undefined,
    tokenName: string,
  ): Promise<void> {
    const bearer = bearerToken(authorization);
    if (bearer.kind === 'token') {
      if (token !== undefined && sameSecret(bearer.token, token)) return;
      if (await this.sessions.isValid(bearer.token)) return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(
      token === undefined
        ? 'Panel session required: log in with POST /auth/login and send Authorization: Bearer <token>'
        : `Send Authorization: Bearer <${tokenName}> or a panel session token`,
    );
  }
}
