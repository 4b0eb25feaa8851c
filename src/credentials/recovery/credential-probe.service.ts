import { Injectable, Logger } from '@nestjs/common';
import type {
  CredentialSummary,
  Namespace,
  CredentialStore,
} from '../../storage/storage-backend.interface';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { GoogleAccountClient, GoogleCallError } from '../discovery/google-account.client';
import {
  CODE_ASSIST_METADATA,
  ProjectDiscovery,
  ProjectDiscoveryError,
} from '../discovery/project-discovery.service';
import { RECOVERABLE_DISABLES } from '../problems';
import { CredentialRotation } from '../rotation/credential-rotation.service';
import { projectIdOf } from '../rotation/credential-token';
import { TokenRefresher } from '../rotation/token-refresher.service';
import { CredentialRefreshError } from '../rotation/token-refresh.errors';

/** Problems the probe may lift on an enabled credential. */
const HEALABLE = new Set(['no_project', 'refresh_failed', 'auto_banned']);

/**
 * The half-open probe of one credential the gateway marked: a working token (refreshed if
 * needed), its project (discovered if missing), and one cheap Code Assist call with both. On
 * success the problem is cleared and a gateway-made disable lifted; on failure everything stays
 * as it was, reason included.
 */
@Injectable()
export class CredentialProbe {
  private readonly logger = new Logger('Recovery');

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    private readonly tokens: TokenRefresher,
    private readonly rotation: CredentialRotation,
    private readonly discovery: ProjectDiscovery,
    private readonly google: GoogleAccountClient,
  ) {}

  /**
   * Whether the job should probe it: a problem the gateway can lift, and, when disabled, a
   * disable the gateway made (a person's disable carries no problem, `needs_reauth` waits for a
   * person).
   */
  static wants(item: CredentialSummary): boolean {
    const code = item.problem?.code;
    if (code === undefined || !HEALABLE.has(code)) return false;
    return !item.disabled || RECOVERABLE_DISABLES.includes(code);
  }

  /** `true` when the credential works again (its problem is gone). */
  async heal(ns: Namespace, item: CredentialSummary): Promise<boolean> {
    const { name } = item;
    try {
      const { accessToken, credential } = await this.tokens.accessToken(ns, name);
      let project = projectIdOf(credential);
      if (!project) {
        project = (await this.discovery.discover(ns, accessToken)).projectId;
        await this.credentials.updateCredentialData(ns, name, {
          ...credential,
          project_id: project,
        });
      }
      await this.google.codeAssist(ns, 'loadCodeAssist', accessToken, {
        cloudaicompanionProject: project,
        metadata: { ...CODE_ASSIST_METADATA, duetProject: project },
      });
    } catch (err) {
      const known =
        err instanceof CredentialRefreshError ||
        err instanceof GoogleCallError ||
        err instanceof ProjectDiscoveryError;
      if (!known) throw err;
      this.logger.log(`Probe of ${name} failed; it stays as it is: ${err.message}`);
      return false;
    }
    // Re-read: a person may have disabled it (clearing the problem) while the probe ran.
    const state = await this.credentials.getState(ns, name);
    if (!state || state.problem?.code !== item.problem?.code) return false;
    await this.credentials.updateState(ns, name, { problem: null });
    if (state.disabled) await this.rotation.setDisabled(ns, name, false);
    this.logger.log(`Recovered credential ${name}${state.disabled ? '; re-enabled' : ''}`);
    return true;
  }
}
