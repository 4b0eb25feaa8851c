import { Injectable } from '@nestjs/common';
import type {
  CredentialData,
  Namespace,
  StorageBackend,
} from '../../storage/storage-backend.interface';
import { StorageChanges } from '../../storage/storage-changes.service';
import { InjectStorage } from '../../storage/storage.decorators';
import { CredentialRotation } from './credential-rotation.service';
import { projectIdOf } from './credential-token';
import { modelKeyFor } from './model-key';
import { TokenRefresher } from './token-refresher.service';
import { CredentialRefreshError } from './token-refresh.errors';

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
   * seen within a second) empties it, and so does every refresh or failure here.
   */
  private readonly known = new Map<string, CredentialData>();

  constructor(
    @InjectStorage() private readonly storage: StorageBackend,
    private readonly rotation: CredentialRotation,
    private readonly tokens: TokenRefresher,
    changes: StorageChanges,
  ) {
    changes.subscribe(() => this.known.clear());
  }

  /**
   * Picks the next credential for `model` and makes sure its token works; when a refresh fails,
   * or storage says the pick is disabled or cooling (another process changed it since the last
   * reload), moves on to the next one, up to MAX_ACQUIRE_ATTEMPTS. A credential already known
   * since the last storage change is not read again: the index is as fresh as that knowledge. Never returns a credential
   * whose token it could not refresh; `null` when none is usable.
   */
  async acquire(ns: Namespace, model: string): Promise<AcquiredCredential | null> {
    const modelKey = modelKeyFor(ns, model);
    const tried = new Set<string>();
    for (let attempt = 0; attempt < MAX_ACQUIRE_ATTEMPTS; attempt++) {
      const name = await this.rotation.pick(ns, modelKey);
      if (name === null) return null;
      if (tried.has(name)) {
        this.rotation.rotateAway(ns, name);
        continue;
      }
      tried.add(name);
      const key = `${ns}:${name}`;
      let data = this.known.get(key);
      if (!data) {
        const [stored, state] = await Promise.all([
          this.storage.getCredential(ns, name),
          this.storage.getState(ns, name),
        ]);
        if (!stored || !state || state.disabled || state.modelCooldowns[modelKey] !== undefined) {
          this.rotation.noteState(ns, name, stored ? state : null);
          continue;
        }
        data = stored;
      }
      try {
        const { accessToken, credential } = await this.tokens.accessToken(ns, name, data);
        this.known.set(key, credential);
        return { name, modelKey, accessToken, projectId: projectIdOf(credential), credential };
      } catch (err) {
        this.known.delete(key);
        if (!(err instanceof CredentialRefreshError)) throw err;
        this.rotation.rotateAway(ns, name);
      }
    }
    return null;
  }
}
