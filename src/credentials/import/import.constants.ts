const MiB = 1024 * 1024;

/**
 * Caps on one import request. Credential files are about 1-2 KB, so they leave room for 10,000
 * files or more in one request while bounding the memory and CPU a hostile request can take.
 */
export const IMPORT_LIMITS = {
  /** Files in one multipart upload (the `files` field, `.json` and `.zip` together). */
  maxFiles: 20_000,
  /** Bytes of one uploaded `.json` file, and of one inflated archive entry. */
  maxFileBytes: 1 * MiB,
  /** Bytes of all files of one upload, as sent (archives compressed). */
  maxUploadBytes: 200 * MiB,
  /** Bytes inflated from all archives of one upload, counted as they are inflated. */
  maxInflatedBytes: 200 * MiB,
  /** Bytes of one `/creds/import-text` JSON body. */
  maxTextBodyBytes: 20 * MiB,
  /** Credentials in one `/creds/import-text` body. */
  maxTextItems: 20_000,
} as const;

export { formatBytes } from '../../common/format-bytes';

/** Text fields accepted beside the files of an upload (they are ignored). */
export const MAX_UPLOAD_FIELDS = 100;

/** The JSON body cap of pasted imports and batch actions (up to 20,000 names). */
export const IMPORT_TEXT_BODY = {
  limitBytes: IMPORT_LIMITS.maxTextBodyBytes,
  tooLargeHint: 'split it, or upload a ZIP',
};
