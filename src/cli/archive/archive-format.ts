import type { Namespace } from '../../storage/storage-backend.interface';

/**
 * The backup archive, version 1: a ZIP holding
 * - `credentials/<namespace>.jsonl`: one `{"name","data","state"}` object per line, in
 *   insertion order (`state` as CredentialState: disabled, errorCodes, lastSuccess, userEmail,
 *   modelCooldowns, callCount);
 * - `settings.json`: one object, setting key to value;
 * - `manifest.json`, written last: format, version, and per entry its item count, byte size and
 *   SHA-256 of its uncompressed bytes.
 * A reader refuses other formats and newer versions.
 */
export const ARCHIVE_FORMAT = 'gcli2api-backup';
export const ARCHIVE_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';
export const SETTINGS_ENTRY = 'settings.json';

export const credentialsEntry = (ns: Namespace) => `credentials/${ns}.jsonl`;

export interface ManifestEntry {
  /** Credentials (lines) or settings (keys) in the entry. */
  count: number;
  /** Uncompressed size in bytes. */
  bytes: number;
  /** SHA-256 of the uncompressed bytes, hex. */
  sha256: string;
}

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  /** ISO 8601 time the export finished. */
  created_at: string;
  /** The backend exported from. */
  source: { backend: string };
  entries: Record<string, ManifestEntry>;
}
