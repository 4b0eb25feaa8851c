import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { SettingsService } from '../../config/settings.service';
import {
  NAMESPACES,
  type CredentialSummary,
  type Namespace,
  type CredentialStore,
  type EphemeralStore,
} from '../../storage/storage-backend.interface';
import { InjectCredentialStore, InjectEphemeralStore } from '../../storage/storage.decorators';
import { mapConcurrent } from '../admin/map-concurrent';
import { CHECK_CONCURRENCY } from '../checks/credential-checks.service';
import { expiryOf } from '../rotation/credential-token';
import { TokenRefresher } from '../rotation/token-refresher.service';
import { CredentialRefreshError } from '../rotation/token-refresh.errors';
import { CredentialProbe } from './credential-probe.service';

/** The storage entry that lets one gateway process run each round. */
const LEASE_KEY = 'recovery-lease';
/** Credentials the proactive refresh reads per summary page. */
const PAGE = 1000;

/** What one round did. */
export interface RecoveryRound {
  /** Credentials probed, `ns:name`. */
  probed: string[];
  /** Credentials whose problem is gone (and re-enabled when the gateway had disabled them). */
  recovered: string[];
  /** Access tokens refreshed before they expired. */
  refreshed: string[];
}

/**
 * The background job that heals credentials without a person: every `recovery_interval` one
 * gateway process (a storage lease) probes, with one cheap call each, up to
 * `recovery_probe_limit` credentials the gateway itself marked (auto-banned, refresh failed, no
 * project) and lifts what works again, then refreshes the access tokens that expire within
 * `proactive_refresh_window`, so requests do not wait for a refresh. A credential a person
 * disabled carries no problem and is never touched; `needs_reauth` waits for a new sign-in.
 */
@Injectable()
export class CredentialRecovery implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Recovery');
  private readonly owner = `recovery:${randomUUID()}`;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    @InjectEphemeralStore() private readonly entries: EphemeralStore,
    private readonly settings: SettingsService,
    private readonly tokens: TokenRefresher,
    private readonly probe: CredentialProbe,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.schedule();
  }

  onApplicationShutdown() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * One scheduled round: nothing when switched off or when another process holds this
   * interval's lease. `true` when this process ran it.
   */
  async tick(): Promise<boolean> {
    if (!this.settings.get('recovery_enabled')) return false;
    const intervalMs = this.settings.get('recovery_interval') * 1000;
    // Held for the whole interval: the other processes skip this round rather than repeat it.
    if (!(await this.entries.setEntryIfAbsent(LEASE_KEY, this.owner, intervalMs))) return false;
    const round = await this.runOnce();
    if (round.probed.length + round.refreshed.length > 0) {
      this.logger.log(
        `Probed ${round.probed.length}, recovered ${round.recovered.length}, ` +
          `refreshed ${round.refreshed.length} token(s) ahead of expiry`,
      );
    }
    return true;
  }

  /** Runs a round now, whatever the lease and switch say. */
  async runOnce(): Promise<RecoveryRound> {
    const round: RecoveryRound = { probed: [], recovered: [], refreshed: [] };
    let budget = this.settings.get('recovery_probe_limit');
    for (const ns of NAMESPACES) {
      const candidates = (
        await this.credentials.summarize(ns, { problem: 'any', limit: PAGE })
      ).items
        .filter((item) => CredentialProbe.wants(item))
        .slice(0, budget);
      budget -= candidates.length;
      await mapConcurrent(candidates, CHECK_CONCURRENCY, async (item) => {
        round.probed.push(`${ns}:${item.name}`);
        if (await this.probe.heal(ns, item)) round.recovered.push(`${ns}:${item.name}`);
      });
    }
    const windowMs = this.settings.get('proactive_refresh_window') * 1000;
    if (windowMs > 0) {
      for (const ns of NAMESPACES) round.refreshed.push(...(await this.refreshAhead(ns, windowMs)));
    }
    return round;
  }

  /** Refreshes the enabled credentials whose token expires within `windowMs`. */
  private async refreshAhead(ns: Namespace, windowMs: number): Promise<string[]> {
    const refreshed: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.credentials.summarize(ns, { status: 'enabled', offset, limit: PAGE });
      const due = page.items.filter((item) => item.problem?.code !== 'needs_reauth');
      await mapConcurrent(due, CHECK_CONCURRENCY, async (item: CredentialSummary) => {
        const data = await this.credentials.getCredential(ns, item.name);
        const expiry = data ? expiryOf(data) : undefined;
        if (!data || (expiry !== undefined && expiry - this.clock.now() > windowMs)) return;
        try {
          await this.tokens.refreshAhead(ns, item.name, windowMs);
          refreshed.push(`${ns}:${item.name}`);
        } catch (err) {
          // The refresher recorded the problem; the next round or a request tries again.
          if (!(err instanceof CredentialRefreshError)) throw err;
        }
      });
      if (offset + PAGE >= page.total) return refreshed;
    }
  }

  private schedule() {
    const ms = this.settings.get('recovery_interval') * 1000;
    this.timer = setTimeout(() => {
      this.tick()
        .catch((err: Error) => this.logger.warn(`Recovery round failed: ${err.message}`))
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, ms);
    this.timer.unref();
  }
}
