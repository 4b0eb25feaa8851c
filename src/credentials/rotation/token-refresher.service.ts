import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { type LogRequest, withRequestId } from '../../observability/request-context';
import { SettingsService } from '../../config/settings.service';
import { UpstreamHttp } from '../../upstream/upstream-http.service';
import { noteTokenRefresh } from '../../metrics/token-metrics';
import type {
  CredentialData,
  Namespace,
  CredentialStore,
  EphemeralStore,
} from '../../storage/storage-backend.interface';
import { InjectCredentialStore, InjectEphemeralStore } from '../../storage/storage.decorators';
import { CredentialRotation } from './credential-rotation.service';
import { accessTokenOf, needsRefresh } from './credential-token';
import { requestToken, TOKEN_TIMEOUT_MS, type TokenFailure } from './token-endpoint';
import { CredentialRefreshError } from './token-refresh.errors';
import { ResultRecorder } from './result-recorder.service';
import { problemOf } from '../problems';

/** How long one process may hold a credential's refresh lease: the request's timeout and slack. */
export const REFRESH_LEASE_MS = TOKEN_TIMEOUT_MS + 5_000;
/** How often a process without the lease looks for the token its holder stores (milliseconds). */
const WAIT_POLL_MS = 200;

export interface AccessToken {
  accessToken: string;
  /** The credential's data, as stored after any refresh. */
  credential: CredentialData;
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Access tokens that are good for at least five more minutes. One refresh per credential runs at a
 * time in this process (concurrent callers share it) and across processes (a lease in storage:
 * the holder refreshes and stores the token, the others wait for it and reuse it).
 */
@Injectable()
export class TokenRefresher {
  private readonly logger = new Logger('Credentials');
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  /** This process's lease value: only the holder deletes a lease. */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  /** Credentials this process marked `refresh_failed`: a later good refresh clears the mark. */
  private readonly flagged = new Set<string>();

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    @InjectEphemeralStore() private readonly entries: EphemeralStore,
    private readonly settings: SettingsService,
    private readonly rotation: CredentialRotation,
    private readonly http: UpstreamHttp,
    private readonly results: ResultRecorder,
  ) {}

  /**
   * The credential's access token, refreshed first when missing, without a readable expiry or
   * with under 5 minutes left. Throws CredentialRefreshError when no token can be had.
   *
   * @param known the credential's data when the caller just read it (saves a read)
   */
  async accessToken(
    ns: Namespace,
    name: string,
    known?: CredentialData,
    request?: LogRequest,
  ): Promise<AccessToken> {
    return this.tokenValidFor(ns, name, 0, known, request);
  }

  /**
   * Like accessToken, but refreshes a token that expires within `aheadMs` plus the usual five
   * minutes: the proactive refresh, so that a request never waits for one in steady state.
   */
  async refreshAhead(ns: Namespace, name: string, aheadMs: number): Promise<AccessToken> {
    return this.tokenValidFor(ns, name, aheadMs);
  }

  private async tokenValidFor(
    ns: Namespace,
    name: string,
    aheadMs: number,
    known?: CredentialData,
    request?: LogRequest,
  ): Promise<AccessToken> {
    const data = known ?? (await this.credentials.getCredential(ns, name));
    if (!data) throw missing(ns, name);
    const token = accessTokenOf(data);
    if (token !== undefined && !needsRefresh(data, Date.now() + aheadMs)) {
      return { accessToken: token, credential: data };
    }
    const key = `${ns}:${name}`;
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = this.refreshOnce(ns, name, aheadMs, request).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  /**
   * Refreshes under the cross-process lease, or waits for the process that holds it. Its log
   * lines carry the id of the request that started it (`request`), if one did.
   */
  private async refreshOnce(
    ns: Namespace,
    name: string,
    aheadMs: number,
    request: LogRequest | undefined,
  ): Promise<AccessToken> {
    const lease = `refresh-lease:${ns}:${name}`;
    const deadline = Date.now() + REFRESH_LEASE_MS;
    for (;;) {
      if (await this.entries.setEntryIfAbsent(lease, this.owner, REFRESH_LEASE_MS)) {
        try {
          return await this.refreshHolding(ns, name, aheadMs, request);
        } finally {
          await this.entries.deleteEntry(lease, this.owner).catch(() => undefined);
        }
      }
      const stored = await this.awaitHolder(ns, name, lease, deadline);
      if (stored) return stored;
      const failure = { ns, credential: name, permanent: false };
      if (Date.now() >= deadline) {
        throw new CredentialRefreshError(failure, 'another gateway process is still refreshing it');
      }
      // The holder let go without storing a token; if it found the token dead, so is this call.
      const state = await this.credentials.getState(ns, name);
      if (!state) throw missing(ns, name);
      if (state.disabled) {
        throw new CredentialRefreshError(
          { ...failure, permanent: true },
          'another gateway process could not refresh it and disabled it',
        );
      }
    }
  }

  /** Polls for the token the lease holder stores; `undefined` once the lease is gone without one. */
  private async awaitHolder(ns: Namespace, name: string, lease: string, deadline: number) {
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      const data = await this.credentials.getCredential(ns, name);
      if (!data) throw missing(ns, name);
      const token = accessTokenOf(data);
      if (token !== undefined && !needsRefresh(data))
        return { accessToken: token, credential: data };
      if ((await this.entries.getEntry(lease)) === null) return undefined;
    }
    return undefined;
  }

  private async refreshHolding(
    ns: Namespace,
    name: string,
    aheadMs: number,
    request: LogRequest | undefined,
  ): Promise<AccessToken> {
    // Another process may have stored a fresh token just before this one took the lease.
    const data = await this.credentials.getCredential(ns, name);
    if (!data) throw missing(ns, name);
    const current = accessTokenOf(data);
    if (current !== undefined && !needsRefresh(data, Date.now() + aheadMs)) {
      return { accessToken: current, credential: data };
    }
    const refreshToken = str(data.refresh_token);
    if (!refreshToken) {
      await this.rotation.setDisabled(ns, name, true);
      await this.mark(
        ns,
        name,
        'needs_reauth',
        'the credential has no refresh_token; sign in again',
      );
      this.logger.warn(withRequestId(request, `Credential ${name} has no refresh_token; disabled`));
      throw new CredentialRefreshError(
        { ns, credential: name, permanent: true },
        'no refresh_token',
      );
    }
    const result = await requestToken(
      this.settings.get('oauth_proxy_url'),
      { clientId: str(data.client_id), clientSecret: str(data.client_secret), refreshToken },
      this.http.dispatcher(),
    );
    noteTokenRefresh('failure' in result ? result.failure : undefined);
    if ('failure' in result) return this.fail(ns, name, result.failure, request);
    const { accessToken, expiresIn, refreshToken: rotated } = result.grant;
    const credential: CredentialData = {
      ...data,
      token: accessToken,
      access_token: accessToken,
      expiry: new Date(Date.now() + expiresIn * 1000).toISOString(),
      ...(rotated ? { refresh_token: rotated } : {}),
    };
    // A data-only write: other processes need not reload their rotation index for a token.
    if (!(await this.credentials.updateCredentialData(ns, name, credential)))
      throw missing(ns, name);
    if (this.flagged.delete(`${ns}:${name}`)) {
      await this.credentials.updateState(ns, name, { problem: null });
    }
    this.logger.debug(withRequestId(request, `Refreshed the access token of credential: ${name}`));
    return { accessToken, credential };
  }

  /** Records why the credential cannot serve; a storage failure here must not hide the cause. */
  private async mark(
    ns: Namespace,
    name: string,
    code: 'needs_reauth' | 'refresh_failed',
    why: string,
  ) {
    const problem = problemOf(code, why, Date.now());
    await this.credentials.updateState(ns, name, { problem }).catch(() => undefined);
  }

  private async fail(
    ns: Namespace,
    name: string,
    failure: TokenFailure,
    request: LogRequest | undefined,
  ): Promise<never> {
    const { permanent, status, oauthError, description } = failure;
    if (permanent) {
      await this.rotation.setDisabled(ns, name, true);
      // A success gathered for a later write would clear this code again.
      await this.results.settle(ns, name);
      await this.credentials.recordFailure(ns, name, { code: status ?? 400 });
      await this.mark(
        ns,
        name,
        'needs_reauth',
        `Google refused the refresh token (${description}); sign in again`,
      );
      this.logger.warn(
        withRequestId(
          request,
          `Token refresh failed permanently for credential: ${name} (${description}); disabled`,
        ),
      );
    } else {
      await this.mark(
        ns,
        name,
        'refresh_failed',
        `the token endpoint failed (${description}); retried on use and by the recovery job`,
      );
      this.flagged.add(`${ns}:${name}`);
      const message = `Token refresh failed for credential: ${name} (${description})`;
      this.logger.warn(withRequestId(request, message));
    }
    throw new CredentialRefreshError(
      { ns, credential: name, permanent, status, oauthError },
      description,
    );
  }
}

function missing(ns: Namespace, name: string): CredentialRefreshError {
  return new CredentialRefreshError(
    { ns, credential: name, permanent: true },
    'it no longer exists',
    'it was deleted; another credential will be used',
  );
}
