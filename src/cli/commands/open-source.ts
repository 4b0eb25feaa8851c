import { CliStore } from '../storage/cli-storage.adapter';
import type { StorageLocation } from '../storage/storage-location';
import type { TransferSource } from '../transfer/transfer.types';

/**
 * Opens a location to read from. The Python gateway's SQLite, PostgreSQL and MongoDB databases
 * open through the server's own backends (they use its table and collection names); its
 * Valkey/Redis key layout differs and is read by a reader of its own.
 */
export async function openSource(
  location: StorageLocation,
  keyPrefix?: string,
): Promise<TransferSource> {
  return CliStore.open(location, { keyPrefix });
}
