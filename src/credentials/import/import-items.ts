import { readFileSync } from 'node:fs';
import type { CredentialData } from '../../storage/storage-backend.interface';
import { parseCredentialJson, validateCredentialName } from '../credential-file';
import { shown } from './display-name';
import { formatBytes, IMPORT_LIMITS } from './import.constants';
import {
  ArchiveError,
  ArchiveLimitError,
  extractZipEntry,
  type InflateBudget,
  unsupportedReason,
  zipEntries,
} from './zip-archive';

/** One credential a request offers: to store (`data` or `load`) or rejected (`reason`). */
export interface ImportItem {
  /** The name it is (or would be) stored under. */
  filename: string;
  /** For an archive entry: the archive's file name and the entry's path inside it. */
  archive?: string;
  entry?: string;
  /** For import-text: the position in the submitted array. */
  index?: number;
  data?: CredentialData;
  /**
   * For a valid archive entry, instead of `data`: reads it again from the archive. Entries are
   * validated first and their data dropped, so that an upload of 100,000 holds one write batch
   * of credentials at a time, not all of them.
   */
  load?: () => CredentialData;
  reason?: string;
}

/**
 * A file as the upload storage engine keeps it: no buffer when it passed the size cap; an
 * archive in a temporary file (`path`) instead of a buffer.
 */
export interface UploadedCredentialFile {
  originalname: string;
  size: number;
  buffer?: Buffer;
  path?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The credentials of an upload, in the order sent: `.json` files as they are, `.zip` archives
 * expanded to their `*.json` entries outside `__MACOSX/` (named by basename); together the
 * archives may hold at most `maxArchiveEntries` entries. Caps across the
 * whole upload throw {@link ArchiveLimitError}; an unreadable archive throws
 * {@link ArchiveError}, its message naming the archive.
 */
export function itemsOfUpload(
  files: readonly UploadedCredentialFile[],
  maxArchiveEntries: number,
): ImportItem[] {
  const budget = { entries: maxArchiveEntries, cap: maxArchiveEntries };
  const inflate: InflateBudget = { remainingBytes: IMPORT_LIMITS.maxInflatedBytes };
  const items: ImportItem[] = [];
  for (const file of files) {
    if (/\.zip$/i.test(file.originalname)) {
      try {
        items.push(...itemsOfArchive(file, budget, inflate));
      } catch (err) {
        if (err instanceof ArchiveError) {
          throw new ArchiveError(
            `"${shown(file.originalname)}" is not a readable ZIP archive: ${err.message}`,
          );
        }
        throw err;
      }
    } else {
      items.push(itemOfFile(file.originalname, file.buffer, file.size));
    }
  }
  return items;
}

/**
 * One credential file: its name must be safe ({@link validateCredentialName}), its size within
 * the cap and its content a valid credential. `bytes` is absent when the file was too large.
 */
export function itemOfFile(
  filename: string,
  bytes: Uint8Array | undefined,
  size = bytes?.length ?? 0,
): ImportItem {
  const nameProblem = validateCredentialName(filename);
  if (nameProblem) return { filename, reason: `unsafe file name: ${nameProblem}` };
  if (!bytes || size > IMPORT_LIMITS.maxFileBytes) {
    return { filename, reason: `larger than ${formatBytes(IMPORT_LIMITS.maxFileBytes)}` };
  }
  return { filename, ...parsed(bytes) };
}

function itemsOfArchive(
  file: UploadedCredentialFile,
  budget: { entries: number; cap: number },
  inflate: InflateBudget,
): ImportItem[] {
  // Read once into one buffer (the upload arrived in a temporary file, not in chunks).
  const zip = file.buffer ?? (file.path === undefined ? undefined : readFileSync(file.path));
  if (!zip) throw new ArchiveError('the file was not received');
  const entries = zipEntries(zip);
  budget.entries -= entries.length;
  if (budget.entries < 0) {
    throw new ArchiveLimitError(
      `the archives of this upload hold more than ${budget.cap} entries ` +
        '(the import_max_archive_entries setting)',
    );
  }
  const items: ImportItem[] = [];
  for (const entry of entries) {
    const segments = entry.path.split(/[\\/]/);
    const filename = segments[segments.length - 1];
    if (filename === '' || segments.includes('__MACOSX') || !/\.json$/i.test(filename)) continue;
    const where = { filename, archive: file.originalname, entry: entry.path };
    const problem =
      prefixed('unsafe path in the archive: ', unsafePath(entry.path, segments)) ??
      prefixed('unsafe file name: ', validateCredentialName(filename)) ??
      unsupportedReason(entry);
    if (problem) {
      items.push({ ...where, reason: problem });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = extractZipEntry(zip, entry, IMPORT_LIMITS.maxFileBytes, inflate);
    } catch (err) {
      if (!(err instanceof ArchiveLimitError)) throw err;
      const name = `"${shown(file.originalname)}"`;
      throw new ArchiveLimitError(
        err.cap === 'entry'
          ? `entry "${shown(entry.path)}" of ${name} inflates to more than ${formatBytes(IMPORT_LIMITS.maxFileBytes)}`
          : `the archives of this upload inflate to more than ${formatBytes(IMPORT_LIMITS.maxInflatedBytes)}`,
      );
    }
    const { data, reason } = parsed(bytes);
    // Read again when stored: this entry passed every check and the budget counted it once.
    const load = () =>
      parsed(extractZipEntry(zip, entry, IMPORT_LIMITS.maxFileBytes, UNCAPPED)).data!;
    items.push(data ? { ...where, load } : { ...where, reason });
  }
  return items;
}

/** The inflate budget of a second read: the first one counted these bytes already. */
const UNCAPPED: InflateBudget = { remainingBytes: Number.MAX_SAFE_INTEGER };

/** A path that climbs out of the archive or starts at a root, whatever its basename. */
function unsafePath(path: string, segments: string[]): string | null {
  if (segments.includes('..')) return 'it contains ..';
  if (/^([\\/]|[a-z]:)/i.test(path)) return 'it is absolute';
  return null;
}

function prefixed(prefix: string, reason: string | null): string | null {
  return reason === null ? null : prefix + reason;
}

function parsed(bytes: Uint8Array): Pick<ImportItem, 'data' | 'reason'> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'not UTF-8 text' };
  }
  const result = parseCredentialJson(text);
  return result.ok ? { data: result.data } : { reason: result.reason };
}
