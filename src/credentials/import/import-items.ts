import { LoopSlices } from '../../common/loop-slices';
import type { CredentialData } from '../../storage/storage-backend.interface';
import { parseCredentialJson, validateCredentialName } from '../credential-file';
import { shown } from './display-name';
import { formatBytes, IMPORT_LIMITS } from './import.constants';
import {
  ArchiveError,
  ArchiveLimitError,
  eachZipEntry,
  extractZipEntry,
  type InflateBudget,
  unsupportedReason,
  type ZipEntry,
  zipDirectory,
} from './zip-archive';
import { bufferSource, fileSource, type ZipSource } from './zip-source';

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

/** The items of an upload, and the archives they are read from until they are stored. */
export interface UploadItems {
  items: ImportItem[];
  /** Releases the archives (their file descriptors) once the items are stored; never throws. */
  close(): void;
}

/**
 * The credentials of an upload, in the order sent: `.json` files as they are, `.zip` archives
 * expanded to their `*.json` entries outside `__MACOSX/` (named by basename); together the
 * archives may hold at most `maxArchiveEntries` entries. Caps across the
 * whole upload throw {@link ArchiveLimitError}; an unreadable archive throws
 * {@link ArchiveError}, its message naming the archive. An archive in a temporary file is read
 * from it by offset, an entry at a time, and stays open until `close()`. The entries are read in
 * `slices` (100,000 take seconds), so the gateway goes on answering meanwhile.
 */
export async function itemsOfUpload(
  files: readonly UploadedCredentialFile[],
  maxArchiveEntries: number,
  slices = new LoopSlices(),
): Promise<UploadItems> {
  const budget = { entries: maxArchiveEntries, cap: maxArchiveEntries };
  const inflate: InflateBudget = { remainingBytes: IMPORT_LIMITS.maxInflatedBytes };
  const items: ImportItem[] = [];
  const opened: Array<{ close(): void }> = [];
  const close = () => opened.forEach((source) => source.close());
  try {
    for (const file of files) {
      if (!/\.zip$/i.test(file.originalname)) {
        items.push(itemOfFile(file.originalname, file.buffer, file.size));
        continue;
      }
      try {
        await itemsOfArchive(file, open(file, opened), budget, inflate, items, slices);
      } catch (err) {
        if (err instanceof ArchiveError) {
          throw new ArchiveError(
            `"${shown(file.originalname)}" is not a readable ZIP archive: ${err.message}`,
          );
        }
        throw err;
      }
    }
  } catch (err) {
    close();
    throw err;
  }
  return { items, close };
}

/** The archive of an upload: its temporary file, opened for reads by offset, or its buffer. */
function open(file: UploadedCredentialFile, opened: Array<{ close(): void }>): ZipSource {
  if (file.buffer) return bufferSource(file.buffer);
  if (file.path === undefined) throw new ArchiveError('the file was not received');
  const source = fileSource(file.path);
  opened.push(source);
  return source;
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

/**
 * Appends the `*.json` entries of one archive to `items`, each validated (inflated, checked,
 * parsed) and its content dropped: a valid one is read again from `source` when it is stored.
 */
async function itemsOfArchive(
  file: UploadedCredentialFile,
  source: ZipSource,
  budget: { entries: number; cap: number },
  inflate: InflateBudget,
  items: ImportItem[],
  slices: LoopSlices,
): Promise<void> {
  const directory = zipDirectory(source);
  budget.entries -= directory.count;
  if (budget.entries < 0) {
    throw new ArchiveLimitError(
      `the archives of this upload hold more than ${budget.cap} entries ` +
        '(the import_max_archive_entries setting)',
    );
  }
  const archive = file.originalname;
  for (const entry of eachZipEntry(source, directory)) {
    if (slices.due()) await slices.next();
    const segments = entry.path.split(/[\\/]/);
    const filename = segments[segments.length - 1];
    if (filename === '' || segments.includes('__MACOSX') || !/\.json$/i.test(filename)) continue;
    const where = { filename, archive, entry: entry.path };
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
      bytes = extractZipEntry(source, entry, IMPORT_LIMITS.maxFileBytes, inflate);
    } catch (err) {
      if (!(err instanceof ArchiveLimitError)) throw err;
      const name = `"${shown(archive)}"`;
      throw new ArchiveLimitError(
        err.cap === 'entry'
          ? `entry "${shown(entry.path)}" of ${name} inflates to more than ${formatBytes(IMPORT_LIMITS.maxFileBytes)}`
          : `the archives of this upload inflate to more than ${formatBytes(IMPORT_LIMITS.maxInflatedBytes)}`,
      );
    }
    const { data, reason } = parsed(bytes);
    items.push(
      data ? new ArchiveEntryItem(filename, archive, entry, source) : { ...where, reason },
    );
  }
}

/**
 * A valid archive entry, kept without its content: one small object per entry (no closure, no
 * copy of the path), since an archive may hold 100,000 of them.
 */
class ArchiveEntryItem implements ImportItem {
  constructor(
    readonly filename: string,
    readonly archive: string,
    private readonly zipEntry: ZipEntry,
    private readonly source: ZipSource,
  ) {}

  get entry(): string {
    return this.zipEntry.path;
  }

  /** Read again when stored: the entry passed every check and the budget counted it once. */
  load(): CredentialData {
    return parsed(extractZipEntry(this.source, this.zipEntry, IMPORT_LIMITS.maxFileBytes, UNCAPPED))
      .data!;
  }
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
