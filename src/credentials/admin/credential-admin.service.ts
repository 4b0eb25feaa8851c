import type { BatchOutcome } from './batch-result.view';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { CHECK_CONCURRENCY, CredentialChecks } from '../checks/credential-checks.service';
import type {
  CredentialData,
  CredentialState,
  Namespace,
  CredentialStore,
} from '../../storage/storage-backend.interface';
import type { StorageSelection } from '../../storage/select-backend';
import { InjectCredentialStore, InjectStorageSelection } from '../../storage/storage.decorators';
import { StorageValidationError } from '../../storage/storage.errors';
import type { AdminAction, StatusQuery } from './credential-admin.schema';
import { zipStream } from '../../common/zip-writer';
import { credentialFiles } from './credential-files';
import { withCredentialData } from './credential-pages';
import { ADMIN_CONCURRENCY, mapConcurrent } from './map-concurrent';

const DONE: Record<AdminAction, string> = {
  enable: 'Enabled',
  disable: 'Disabled',
  delete: 'Deleted',
  verify: 'Verified',
};

/** The 404 every route gives for a name that matches no credential exactly. */
export function credentialNotFound(ns: Namespace, name: string): NotFoundException {
  return new NotFoundException(`No ${ns} credential is named ${JSON.stringify(name)}`);
}

/**
 * What the admin routes do with stored credentials: list their state (never their secrets),
 * show or export their data (secrets on purpose), enable, disable and delete them.
 */
@Injectable()
export class CredentialAdminService {
  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    @InjectStorageSelection() private readonly selection: StorageSelection,
    private readonly checks: CredentialChecks,
  ) {}

  /** One page of the filtered listing, in insertion order. */
  async status(ns: Namespace, query: StatusQuery) {
    const { offset, limit } = query;
    const page = await this.credentials.summarize(ns, {
      offset,
      limit,
      status: query.status_filter,
      errorCode: query.error_code_filter,
      cooldown: query.cooldown_filter,
      modelKey: query.model_key,
      problem: query.problem_filter,
    });
    return {
      items: page.items.map((item) => ({ filename: item.name, ...this.stateView(item) })),
      total: page.total,
      offset,
      limit,
      has_more: offset + limit < page.total,
      stats: { total: page.stats.total, normal: page.stats.enabled, disabled: page.stats.disabled },
    };
  }

  /** The credential's full data and state; 404 when there is none of that name. */
  async detail(ns: Namespace, name: string) {
    const [content, state] = await Promise.all([
      this.credentials.getCredential(ns, name),
      this.credentials.getState(ns, name),
    ]);
    if (!content || !state) throw credentialNotFound(ns, name);
    const { backend_type, ...status } = this.stateView(state);
    return { status, content, filename: name, backend_type, ...status };
  }

  /** The credential's data; 404 when there is none of that name. */
  async content(ns: Namespace, name: string): Promise<CredentialData> {
    const data = await this.credentials.getCredential(ns, name);
    if (!data) throw credentialNotFound(ns, name);
    return data;
  }

  /** Every credential of the namespace as a ZIP, or `null` when there is none. */
  /**
   * Every credential of the namespace as a ZIP, streamed: names are listed first, then the data
   * is read a page at a time while the archive is written, so memory holds one page, not the
   * whole set. `null` when there is none. A credential deleted meanwhile is left out.
   */
  async archive(ns: Namespace): Promise<AsyncIterable<Buffer> | null> {
    const names = await this.credentials.listCredentialNames(ns);
    if (names.length === 0) return null;
    return zipStream(credentialFiles(this.credentialsOf(ns, names)));
  }

  private async *credentialsOf(ns: Namespace, names: readonly string[]) {
    for await (const [name, data] of withCredentialData(this.credentials, ns, names, String)) {
      yield { name, data };
    }
  }

  /** Applies one action; 404 when there is no credential of that name. */
  async act(ns: Namespace, name: string, action: AdminAction) {
    if (action === 'verify') {
      const outcome = await this.checks.verifyProject(ns, name);
      if (!outcome.ok && outcome.missing) throw credentialNotFound(ns, name);
      if (!outcome.ok) throw new BadRequestException(outcome.message);
      return { success: true as const, message: outcome.message };
    }
    if (!(await this.apply(ns, name, action))) throw credentialNotFound(ns, name);
    return { success: true as const, message: `${DONE[action]} ${name}` };
  }

  /**
   * Applies one action to many credentials; names that match none, or that storage refuses, get
   * their reason while the rest go ahead. A repeated name counts once.
   */
  async batch(
    ns: Namespace,
    action: AdminAction,
    filenames: readonly string[],
  ): Promise<BatchOutcome> {
    const names = [...new Set(filenames)];
    const limit = action === 'verify' ? CHECK_CONCURRENCY : ADMIN_CONCURRENCY;
    const failures = await mapConcurrent(names, limit, async (name) => {
      if (action === 'verify') {
        const outcome = await this.checks.verifyProject(ns, name);
        return outcome.ok ? null : outcome.message;
      }
      try {
        return (await this.apply(ns, name, action)) ? null : credentialNotFound(ns, name).message;
      } catch (err) {
        if (err instanceof StorageValidationError) return err.message;
        throw err;
      }
    });
    return { action, results: names.map((filename, i) => ({ filename, error: failures[i] })) };
  }

  /**
   * A person's disable clears the problem: the recovery job re-enables only what the gateway
   * itself disabled, never what a person did.
   */
  private apply(ns: Namespace, name: string, action: Exclude<AdminAction, 'verify'>) {
    if (action === 'delete') return this.credentials.deleteCredential(ns, name);
    if (action === 'disable')
      return this.credentials.updateState(ns, name, { disabled: true, problem: null });
    return this.credentials.updateState(ns, name, { disabled: false });
  }

  private stateView(state: CredentialState) {
    return {
      user_email: state.userEmail,
      disabled: state.disabled,
      error_codes: state.errorCodes,
      last_success: state.lastSuccess,
      call_count: state.callCount,
      model_cooldowns: state.modelCooldowns,
      problem: state.problem,
      // The backend in use, as the selection reports it: the admin service needs no whole backend.
      backend_type: this.selection.active,
    };
  }
}
