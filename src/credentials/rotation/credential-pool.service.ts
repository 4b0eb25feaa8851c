import { Injectable, Logger } from '@nestjs/common';
import { type LogRequest, withRequestId } from '../../observability/request-context';
import type {
  CredentialData,
  CredentialState,
  Namespace,
  CredentialStore,
} from '../../storage/storage-backend.interface';
import { StorageChanges } from '../../storage/storage-changes.service';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { StorageUnavailableError } from '../../storage/storage.errors';
import { CredentialRotation } from './credential-rotation.service';
import { accessTokenOf, projectIdOf } from './credential-token';
import { modelKeyFor } from './model-key';
import { TokenRefresher } from './token-refresher.service';
import { ProjectOnUse } from '../discovery/project-on-use.service';
import { CredentialRefreshError } from './token-refresh.errors';

/** An expiry in the past: the token is refreshed before its next use. */
const EXPIRED = new Date(0).toISOString();

/** Credentials tried by one acquire before it gives up. */
export const MAX_ACQUIRE_ATTEMPTS = 5;

/** A credential ready for one upstream call. */
export interface AcquiredCredential {
  name: string;
  /** The model key its result must be recorded under (see modelKeyFor). */
  modelKey: string;
  /** Valid for at least five more minutes. */
  accessToken: string;
  /** `project_id` (or `quota_project_id`), `null` when the credential has none. */
  projectId: string | null;
  credential: CredentialData;
}

/**
 * The one entry point of the model APIs: a credential that may serve the model now, with a
 * working access token. Record the call's outcome with CredentialRotation afterwards.
 */
@Injectable()
export class CredentialPool {
  /**
   * Credential data of usable picks, by `ns:name`, so the hot path reads storage only for a
   * credential it has not seen since the last change: any change in storage (from any process,
   * seen within a second) makes every entry stale, and a refresh or failure here drops its
   * entry. `generation` counts the changes; an entry read before the latest one is read again,
   * except while storage is unavailable, when the last data known still serves (the rotation
   * index in memory still decides which credential may serve).
   */
  private readonly known = new Map<string, { data: CredentialData; generation: number }>();
  private generation = 0;
  private readonly logger = new Logger('Credentials');

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    private readonly rotation: CredentialRotation,
    private readonly tokens: TokenRefresher,
    changes: StorageChanges,
    private readonly projects: ProjectOnUse,
  ) {
    changes.subscribe(() => {
      this.generation++;
    });
  }

  /**
   * Picks the next credential for `model` and makes sure its token works; when a refresh fails,
   * or storage says the pick is disabled or cooling (another process changed it since the last
   * reload), moves on to the next one, up to MAX_ACQUIRE_ATTEMPTS. A credential already known
   * since the last storage change is not read again: the index is as fresh as that knowledge.
   * Never returns a credential whose token it could not refresh, nor (with `needsProject`) one
   * without a project id; `null` when none is usable. While storage is unavailable, a credential
   * it knows nothing of, or whose token needs a refresh (the refresh could not be stored nor
   * shared with other processes), is passed over; when no credential was left, the storage error
   * is thrown (503).
   */
  async acquire(
    ns: Namespace,
    model: string,
    options: { needsProject?: boolean; request?: LogRequest } = {},
  ): Promise<AcquiredCredential | null> {
    const modelKey = modelKeyFor(ns, model);
    const tried = new Set<string>();
    let unavailable: StorageUnavailableError | undefined;
    for (let attempt = 0; attempt < MAX_ACQUIRE_ATTEMPTS; attempt++) {
      const name = await this.rotation.pick(ns, modelKey);
      if (name === null) break;
      if (tried.has(name)) {
        this.rotation.rotateAway(ns, name);
        continue;
      }
      tried.add(name);
      let acquired: AcquiredCredential | undefined;
      try {
        acquired = await this.prepare(ns, name, modelKey, options.request);
      } catch (err) {
        if (!(err instanceof StorageUnavailableError)) throw err;
        unavailable = err;
        this.rotation.rotateAway(ns, name);
        continue;
      }
      if (!acquired) continue;
      if (options.needsProject && !acquired.projectId) {
        // Discovered now when Google could not be reached at import (one process, then backoff).
        const found = await this.projects.resolve(ns, name, acquired.accessToken, options.request);
        this.known.delete(`${ns}:${name}`);
        if (found) return { ...acquired, credential: found, projectId: projectIdOf(found) };
        const message = `Credential ${name} has no project_id; it cannot serve ${model}`;
        this.logger.warn(withRequestId(options.request, message));
        this.rotation.rotateAway(ns, name);
        continue;
      }
      return acquired;
    }
    if (unavailable) throw unavailable;
    return null;
  }

  /**
   * Marks the credential's access token as dead (the upstream answered 401 with `used`, the
   * data the call was sent with): the next pick refreshes it first. The mark goes on what is
   * stored now, and only while it still holds that token: while the call waited, the
   * credential may have been deleted, uploaded anew or refreshed by another call, and none of
   * that may be undone.
   */
  async forgetToken(ns: Namespace, name: string, used: CredentialData): Promise<void> {
    this.known.delete(`${ns}:${name}`);
    const stored = await this.credentials.getCredential(ns, name);
    if (!stored || accessTokenOf(stored) !== accessTokenOf(used)) return;
    await this.credentials.updateCredentialData(ns, name, { ...stored, expiry: EXPIRED });
  }

  private async prepare(
    ns: Namespace,
    name: string,
    modelKey: string,
    request: LogRequest | undefined,
  ): Promise<AcquiredCredential | undefined> {
    const key = `${ns}:${name}`;
    const generation = this.generation;
    const data = await this.currentData(ns, name, modelKey);
    if (!data) return undefined;
    try {
      const { accessToken, credential } = await this.tokens.accessToken(ns, name, data, request);
      this.known.set(key, { data: credential, generation });
      return { name, modelKey, accessToken, projectId: projectIdOf(credential), credential };
    } catch (err) {
      this.known.delete(key);
      if (!(err instanceof CredentialRefreshError)) throw err;
      this.rotation.rotateAway(ns, name);
      return undefined;
    }
  }

  /**
   * The credential's data when it may serve `modelKey`: from memory when nothing changed since
   * it was read (or storage cannot be asked), else from storage; `undefined` when it is gone,
   * disabled or cooling down (the index learns so).
   */
  private async currentData(ns: Namespace, name: string, modelKey: string) {
    const known = this.known.get(`${ns}:${name}`);
    if (known?.generation === this.generation) return known.data;
    let stored: CredentialData | null;
    let state: CredentialState | null;
    try {
      [stored, state] = await Promise.all([
        this.credentials.getCredential(ns, name),
        this.credentials.getState(ns, name),
      ]);
    } catch (err) {
      if (known && err instanceof StorageUnavailableError) return known.data;
      throw err;
    }
    if (!stored || !state || state.disabled || state.modelCooldowns[modelKey] !== undefined) {
      this.known.delete(`${ns}:${name}`);
      this.rotation.noteState(ns, name, stored ? state : null);
      return undefined;
    }
    return stored;
  }
}
