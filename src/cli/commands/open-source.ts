import { resolve } from 'node:path';
import { ArchiveSource } from '../archive/archive.source';
import { isClusterUrl } from '../../storage/backends/redis/client';
import { openPythonRedis } from '../legacy/python-redis.source';
import { CliStore } from '../storage/cli-storage.adapter';
import { parseLocation } from '../storage/storage-location';
import type { TransferSource } from '../transfer/transfer.types';

/** True for a path the command line reads as a backup archive. */
export const isArchivePath = (text: string) =>
  /\.zip$/i.test(text) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text);

/**
 * Opens something to read from: a backup archive (checked in full first), or a store. The Python
 * gateway's SQLite, PostgreSQL and MongoDB databases open through the server's own backends
 * (they use its table and collection names); its Valkey/Redis key layout differs and is read by
 * a reader of its own when found.
 */
export async function openSource(
  text: string,
  what: string,
  keyPrefix?: string,
): Promise<TransferSource> {
  if (isArchivePath(text)) return ArchiveSource.open(resolve(text));
  const location = parseLocation(text, what, true);
  // The Python gateway never ran on a cluster: only a single server can hold its layout.
  if (location.kind === 'valkey' && !isClusterUrl(location.raw)) {
    const legacy = await openPythonRedis(location, keyPrefix);
    if (legacy) return legacy;
  }
  return CliStore.open(location, { keyPrefix });
}
