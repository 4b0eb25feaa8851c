import { Injectable } from '@nestjs/common';
import { withTimeout } from '../common/with-timeout';
import {
  NAMESPACES,
  type Namespace,
  type StorageBackend,
  type CredentialStore,
} from '../storage/storage-backend.interface';
import { InjectCredentialStore, InjectStorage } from '../storage/storage.decorators';
import { type GatewayMetrics, gatewayMetrics } from './gateway-metrics';

/** Largest pool read in one scrape; bigger pools count their first this many for cooling/problem. */
const SCAN_LIMIT = 100_000;

/**
 * Fills the scrape-time gauges: credentials per namespace and state, and whether storage answers
 * a ping. Never throws: a storage that fails leaves the pool gauges as they were and reads down.
 */
@Injectable()
export class PoolMetricsCollector {
  private readonly metrics: GatewayMetrics = gatewayMetrics;

  constructor(
    @InjectStorage() private readonly storage: StorageBackend,
    @InjectCredentialStore() private readonly credentials: CredentialStore,
  ) {}

  async collect(timeoutMs: number): Promise<void> {
    const up = await withTimeout(this.storage.ping(), timeoutMs, () => new Error('timeout')).then(
      () => true,
      () => false,
    );
    this.metrics.storageUp.set({ backend: this.storage.kind }, up ? 1 : 0);
    if (!up) return;
    for (const ns of NAMESPACES) {
      await this.collectPool(ns).catch(() => undefined);
    }
  }

  private async collectPool(ns: Namespace) {
    const now = Math.floor(Date.now() / 1000);
    const page = await this.credentials.summarize(ns, { limit: SCAN_LIMIT, now });
    let cooling = 0;
    let problem = 0;
    for (const item of page.items) {
      if (Object.values(item.modelCooldowns).some((until) => until > now)) cooling += 1;
      if (item.errorCodes.length > 0) problem += 1;
    }
    const set = (state: string, value: number) =>
      this.metrics.poolCredentials.set({ namespace: ns, state }, value);
    set('total', page.stats.total);
    set('enabled', page.stats.enabled);
    set('disabled', page.stats.disabled);
    set('cooling', cooling);
    set('problem', problem);
  }
}
