import { Injectable } from '@nestjs/common';
import type {
  CredentialData,
  Namespace,
  StorageBackend,
} from '../../storage/storage-backend.interface';
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
  constructor(
    @InjectStorage() private readonly storage: StorageBackend,
    private readonly rotation: CredentialRotation,
    private readonly tokens: TokenRefresher,
  ) {}

  /**
   * Picks the next credential for `model` and makes sure its token works; when a refresh fails,
   * or storage says the pick is disabled or cooling (another process changed it since the last
   * reload), moves on to the next one, up to MAX_ACQUIRE_ATTEMPTS. Never returns a credential
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
      const [data, state] = await Promise.all([
        this.storage.getCredential(ns, name),
        this.storage.getState(ns, name),
      ]);
      if (!data || !state || state.disabled || state.modelCooldowns[modelKey] !== undefined) {
        this.rotation.noteState(ns, name, data ? state : null);
        continue;
      }
      try {
        const { accessToken, credential } = await this.tokens.accessToken(ns, name, data);
        return { name, modelKey, accessToken, projectId: projectIdOf(credential), credential };
      } catch (err) {
        if (!(err instanceof CredentialRefreshError)) throw err;
        this.rotation.rotateAway(ns, name);
      }
    }
    return null;
  }
}
