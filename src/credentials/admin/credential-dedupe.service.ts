import { Injectable } from '@nestjs/common';
import type {
  CredentialSummary,
  Namespace,
  CredentialStore,
} from '../../storage/storage-backend.interface';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { withCredentialData } from './credential-pages';
import { ADMIN_CONCURRENCY, mapConcurrent } from './map-concurrent';
import { summarizeAll } from '../rotation/index-loader';

/** Summary rows read per round trip while collecting every credential's state. */
const PAGE_SIZE = 5_000;

/**
 * Removes credentials that share a refresh token (the same Google grant imported twice under
 * different names), keeping the one that worked most recently.
 */
@Injectable()
export class CredentialDedupeService {
  constructor(@InjectCredentialStore() private readonly credentials: CredentialStore) {}

  /**
   * In each group of credentials with one refresh token, keeps the newest `last_success`
   * (on a tie the one imported first) and deletes the others. Credentials without a refresh
   * token are left alone. `groups` counts the refresh tokens that had duplicates.
   */
  async dedupe(ns: Namespace) {
    const summaries = await this.allSummaries(ns);
    // A page of credentials at a time: memory holds their refresh tokens, not all their data.
    const byToken = new Map<string, CredentialSummary[]>();
    const read = withCredentialData(this.credentials, ns, summaries, (s) => s.name);
    for await (const [summary, data] of read) {
      const token = data.refresh_token;
      if (typeof token !== 'string' || token === '') continue;
      const group = byToken.get(token);
      if (group) group.push(summary);
      else byToken.set(token, [summary]);
    }

    const kept: string[] = [];
    const removed: string[] = [];
    for (const group of byToken.values()) {
      if (group.length < 2) continue;
      const [keep, ...others] = group.sort(newestSuccessFirst);
      kept.push(keep.name);
      removed.push(...others.map((s) => s.name));
    }
    await mapConcurrent(removed, ADMIN_CONCURRENCY, (name) =>
      this.credentials.deleteCredential(ns, name),
    );
    return {
      success: true,
      removed,
      kept,
      groups: kept.length,
      message: `Removed ${removed.length} duplicate credentials from ${kept.length} groups`,
    };
  }

  private allSummaries(ns: Namespace): Promise<CredentialSummary[]> {
    return summarizeAll(this.credentials, ns, {}, PAGE_SIZE);
  }
}

function newestSuccessFirst(a: CredentialSummary, b: CredentialSummary): number {
  const bySuccess = (b.lastSuccess ?? -Infinity) - (a.lastSuccess ?? -Infinity);
  return bySuccess || a.order - b.order;
}
