import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { Namespace, CredentialStore } from '../../storage/storage-backend.interface';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { GoogleAccountClient, GoogleCallError } from '../discovery/google-account.client';
import { ProjectDiscovery, ProjectDiscoveryError } from '../discovery/project-discovery.service';
import { problemOf } from '../problems';
import { CredentialRotation } from '../rotation/credential-rotation.service';
import { projectIdOf } from '../rotation/credential-token';
import { TokenRefresher } from '../rotation/token-refresher.service';
import { CredentialRefreshError } from '../rotation/token-refresh.errors';

/** Google calls the many-credential checks keep in flight at once. */
export const CHECK_CONCURRENCY = 4;

/** What one check found; `missing` when no credential has the name. */
export type CheckOutcome =
  | { ok: true; projectId?: string; email?: string; message: string }
  | { ok: false; missing?: boolean; message: string };

/**
 * The checks that ask Google about a stored credential, each with a working token first: its
 * project (verify-project: re-discover, save, re-enable, clear errors and problem), its e-mail,
 * and the discovery an import runs for credentials that came without a project.
 */
@Injectable()
export class CredentialChecks {
  private readonly logger = new Logger('Credentials');

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    private readonly tokens: TokenRefresher,
    private readonly rotation: CredentialRotation,
    private readonly discovery: ProjectDiscovery,
    private readonly google: GoogleAccountClient,
    private readonly clock: Clock,
  ) {}

  /**
   * Refreshes the token if needed, re-discovers the project and saves it; on success the
   * credential is enabled, its error codes and problem cleared, and it counts as a success.
   */
  async verifyProject(ns: Namespace, name: string): Promise<CheckOutcome> {
    const token = await this.token(ns, name);
    if (!token.ok) return token;
    let projectId: string;
    try {
      ({ projectId } = await this.discovery.discover(ns, token.accessToken));
    } catch (err) {
      if (!(err instanceof ProjectDiscoveryError)) throw err;
      if (!projectIdOf(token.credential)) await this.markNoProject(ns, name, err.message);
      return { ok: false, message: err.message };
    }
    const data = { ...token.credential, project_id: projectId };
    if (!(await this.credentials.updateCredentialData(ns, name, data))) return gone(name);
    await this.credentials.updateState(ns, name, { problem: null });
    await this.credentials.recordSuccess(ns, name);
    await this.rotation.setDisabled(ns, name, false);
    this.logger.log(`Verified credential ${name}: project ${projectId}; enabled`);
    return { ok: true, projectId, message: `Verified ${name}: project ${projectId}` };
  }

  /** Reads the account's e-mail from Google and keeps it in the state. */
  async fetchEmail(ns: Namespace, name: string): Promise<CheckOutcome> {
    const token = await this.token(ns, name);
    if (!token.ok) return token;
    try {
      const email = await this.google.email(token.accessToken);
      if (!(await this.credentials.updateState(ns, name, { userEmail: email }))) return gone(name);
      return { ok: true, email, message: `E-mail of ${name}: ${email}` };
    } catch (err) {
      if (!(err instanceof GoogleCallError)) throw err;
      return { ok: false, message: `Cannot read the e-mail of ${name}: ${err.message}` };
    }
  }

  /**
   * For a just-imported credential without a project: discovers and saves it (with the e-mail,
   * best effort), or records the `no_project` problem saying it is retried on first use.
   */
  async discoverImported(ns: Namespace, name: string): Promise<CheckOutcome> {
    const token = await this.token(ns, name);
    if (!token.ok) {
      const message = `no project_id, and none could be discovered: ${token.message}`;
      await this.markNoProject(ns, name, `${message}; it is retried on first use`);
      return { ok: false, message };
    }
    try {
      const { projectId } = await this.discovery.discover(ns, token.accessToken);
      const data = { ...token.credential, project_id: projectId };
      if (!(await this.credentials.updateCredentialData(ns, name, data))) return gone(name);
      const email = await this.google.email(token.accessToken).catch(() => null);
      await this.credentials.updateState(ns, name, {
        problem: null,
        ...(email ? { userEmail: email } : {}),
      });
      return { ok: true, projectId, message: `project ${projectId} discovered` };
    } catch (err) {
      if (!(err instanceof ProjectDiscoveryError)) throw err;
      await this.markNoProject(ns, name, `${err.message}; it is retried on first use`);
      return { ok: false, message: `no project_id: ${err.message}` };
    }
  }

  private async token(ns: Namespace, name: string) {
    const data = await this.credentials.getCredential(ns, name);
    if (!data)
      return {
        ok: false as const,
        missing: true,
        message: `No ${ns} credential is named ${JSON.stringify(name)}`,
      };
    try {
      const token = await this.tokens.accessToken(ns, name, data);
      return { ok: true as const, ...token };
    } catch (err) {
      if (!(err instanceof CredentialRefreshError)) throw err;
      return { ok: false as const, message: err.message };
    }
  }

  private async markNoProject(ns: Namespace, name: string, message: string) {
    const problem = problemOf('no_project', message, this.clock.now());
    await this.credentials.updateState(ns, name, { problem });
  }
}

function gone(name: string): CheckOutcome {
  return { ok: false, missing: true, message: `${name} was deleted meanwhile` };
}
