import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { type LogRequest, withRequestId } from '../../observability/request-context';
import { Clock } from '../../common/clock';
import type {
  CredentialData,
  Namespace,
  CredentialStore,
  EphemeralStore,
} from '../../storage/storage-backend.interface';
import { InjectCredentialStore, InjectEphemeralStore } from '../../storage/storage.decorators';
import { problemOf } from '../problems';
import { projectIdOf } from '../rotation/credential-token';
import { ProjectDiscovery, ProjectDiscoveryError } from './project-discovery.service';

/** How long one process may hold a credential's lease while it discovers (milliseconds). */
const LEASE_MS = 60_000;
/** After a failed discovery, requests skip the credential this long before trying again (ms). */
export const DISCOVERY_BACKOFF_MS = 10 * 60_000;

/**
 * Finds and stores the project of a credential that has none, for the first request that picks
 * it (Google could not be reached at import, say). One process at a time does it, under the
 * credential's refresh lease; a failure is kept as the `no_project` problem and not retried by
 * requests for DISCOVERY_BACKOFF_MS, so traffic never pays for it twice in a row.
 */
@Injectable()
export class ProjectOnUse {
  private readonly logger = new Logger('Credentials');
  private readonly owner = `discovery:${randomUUID()}`;

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    @InjectEphemeralStore() private readonly entries: EphemeralStore,
    private readonly discovery: ProjectDiscovery,
    private readonly clock: Clock,
  ) {}

  /** The credential's data with its project, stored; `null` when it cannot be had now. */
  async resolve(
    ns: Namespace,
    name: string,
    accessToken: string,
    request?: LogRequest,
  ): Promise<CredentialData | null> {
    const backoff = `discovery-backoff:${ns}:${name}`;
    if ((await this.entries.getEntry(backoff)) !== null) return null;
    const lease = `refresh-lease:${ns}:${name}`;
    if (!(await this.entries.setEntryIfAbsent(lease, this.owner, LEASE_MS))) return null;
    try {
      const data = await this.credentials.getCredential(ns, name);
      if (!data) return null;
      if (projectIdOf(data)) return data;
      return await this.discoverAndStore(ns, name, data, accessToken, backoff, request);
    } finally {
      await this.entries.deleteEntry(lease, this.owner).catch(() => undefined);
    }
  }

  private async discoverAndStore(
    ns: Namespace,
    name: string,
    data: CredentialData,
    accessToken: string,
    backoff: string,
    request: LogRequest | undefined,
  ): Promise<CredentialData | null> {
    try {
      const { projectId } = await this.discovery.discover(ns, accessToken);
      const updated = { ...data, project_id: projectId };
      await this.credentials.updateCredentialData(ns, name, updated);
      await this.credentials.updateState(ns, name, { problem: null });
      const found = `Discovered project ${projectId} of credential ${name} on first use`;
      this.logger.log(withRequestId(request, found));
      return updated;
    } catch (err) {
      const message =
        err instanceof ProjectDiscoveryError
          ? err.message
          : `project discovery failed: ${(err as Error).message}`;
      const problem = problemOf('no_project', message, this.clock.now());
      await this.credentials.updateState(ns, name, { problem });
      await this.entries.setEntry(backoff, '1', DISCOVERY_BACKOFF_MS);
      const none = `Credential ${name} has no project and none was found: ${message}`;
      this.logger.warn(withRequestId(request, none));
      return null;
    }
  }
}
