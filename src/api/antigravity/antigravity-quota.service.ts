import { Injectable, NotFoundException } from '@nestjs/common';
import { projectIdOf } from '../../credentials/rotation/credential-token';
import { TokenRefresher } from '../../credentials/rotation/token-refresher.service';
import type { CredentialStore } from '../../storage/storage-backend.interface';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { AntigravityClient } from '../../upstream/antigravity.client';
import { UpstreamCallError } from '../upstream-call.errors';

/** One model's quota. */
export interface ModelQuota {
  /** The fraction of the quota left, 0 to 1; null when the upstream gives none. */
  remaining: number | null;
  /** When the quota resets (ISO 8601, UTC); null when the upstream gives none. */
  resetTime: string | null;
}

/** What `GET /antigravity/creds/quota/{name}` answers. */
export interface CredentialQuota {
  success: true;
  filename: string;
  models: Record<string, ModelQuota>;
}

/** The quota of one antigravity credential, per model, from `fetchAvailableModels`. */
@Injectable()
export class AntigravityQuota {
  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    private readonly tokens: TokenRefresher,
    private readonly client: AntigravityClient,
  ) {}

  /**
   * @throws NotFoundException when there is no such antigravity credential;
   *   CredentialRefreshError when its token cannot be refreshed; UpstreamCallError when the
   *   upstream refused.
   */
  async of(name: string): Promise<CredentialQuota> {
    const stored = await this.credentials.getCredential('antigravity', name);
    if (!stored) throw new NotFoundException(`There is no antigravity credential ${name}`);
    const { accessToken, credential } = await this.tokens.accessToken('antigravity', name, stored);
    const result = await this.client.availableModels(accessToken, projectIdOf(credential));
    if (!result.ok) throw UpstreamCallError.fromFailure(result);
    const models: Record<string, ModelQuota> = {};
    for (const [id, info] of Object.entries(result.models)) {
      models[id] = {
        remaining: info.quotaInfo?.remainingFraction ?? null,
        resetTime: info.quotaInfo?.resetTime ?? null,
      };
    }
    return { success: true, filename: name, models };
  }
}
