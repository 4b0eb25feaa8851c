import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { CredentialPool } from '../../credentials/rotation/credential-pool.service';
import { AntigravityClient } from '../../upstream/antigravity.client';
import { NoCredentialError, UpstreamCallError } from '../upstream-call.errors';
import { antigravityModelIds } from './antigravity-catalog';

/** How long the live list is reused before the upstream is asked again (milliseconds). */
export const MODEL_LIST_TTL_MS = 60_000;
/** The cooldown key the list call is made under: no model's quota is spent on it. */
const LIST_KEY = 'fetchAvailableModels';

/**
 * The antigravity model list: the upstream's `fetchAvailableModels`, asked with a pooled
 * antigravity credential (its own token and project) and kept for a minute, as advertised ids.
 */
@Injectable()
export class AntigravityModels {
  private cached?: { at: number; ids: string[] };
  private loading?: Promise<string[]>;

  constructor(
    private readonly pool: CredentialPool,
    private readonly client: AntigravityClient,
    private readonly clock: Clock,
  ) {}

  /**
   * The advertised ids. Concurrent askers share one upstream call.
   *
   * @throws NoCredentialError (503) when no antigravity credential is usable,
   *   UpstreamCallError with the upstream's status when it refused.
   */
  async ids(): Promise<string[]> {
    const cached = this.cached;
    if (cached && this.clock.now() - cached.at < MODEL_LIST_TTL_MS) return cached.ids;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<string[]> {
    const credential = await this.pool.acquire('antigravity', LIST_KEY);
    if (!credential) throw new NoCredentialError('the model list', 'antigravity');
    const result = await this.client.availableModels(credential.accessToken, credential.projectId);
    if (!result.ok) throw UpstreamCallError.fromFailure(result);
    const ids = antigravityModelIds(Object.keys(result.models));
    this.cached = { at: this.clock.now(), ids };
    return ids;
  }
}
