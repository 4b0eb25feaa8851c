import { crc32, inflateRawSync } from 'node:zlib';
import { shown } from './display-name';
import { sourceOf, type ZipSource } from './zip-source';

/** The archive cannot be read: not a ZIP, truncated, or damaged. The request is refused (400). */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** An archive passes a cap (entries, inflated bytes): the request is refused (413). */
export class ArchiveLimitError extends Error {
  override readonly name = 'ArchiveLimitError';

  /** Which cap: one entry's size, or a total across the request. */
  constructor(
    message: string,
    readonly cap: 'entry' | 'total' = 'total',
  ) {
    super(message);
  }
}

/** One file or directory of a ZIP's central directory. Sizes are as declared, not trusted. */
export interface ZipEntry {
  /** The path as stored in the archive, decoded as UTF-8 (or Latin-1 when it is not UTF-8). */
  path: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

/** Bytes left to inflate across all archives of one request; shared and decremented. */
export interface InflateBudget {
  remainingBytes: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const ZIP64_MARK = 0xffffffff;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * The entries of a ZIP archive, read from its central directory, in order. Throws
 * {@link ArchiveError} when the archive is not a readable single-disk ZIP (ZIP64 included).
 */
export function zipEntries(zip: Uint8Array | ZipSource): ZipEntry[] {
  return [...eachZipEntry(sourceOf(zip))];
}

/** Bytes of the central directory read at a time: 100,000 entries take ~8 MiB. */
const DIRECTORY_WINDOW = 256 * 1024;

/**
 * The entries of a ZIP archive one at a time, reading the central directory by offset a window
 * at a time: an archive of 100,000 entries is walked without holding its directory or a list of
 * entries. The entry count is known before the first entry ({@link zipDirectory}).
 */
export function* eachZipEntry(
  source: ZipSource,
  directory = zipDirectory(source),
): Generator<ZipEntry> {
  const { count, start, size } = directory;
  const end = start + size;
  let window: Uint8Array = new Uint8Array(0);
  let windowAt = start;
  /** A view of [at, at + length) of the directory, reading the next window when needed. */
  const bytesAt = (at: number, length: number) => {
    if (at + length > end) throw new ArchiveError('the central directory is damaged');
    if (at < windowAt || at + length > windowAt + window.length) {
      windowAt = at;
      window = source.read(at, Math.min(Math.max(length, DIRECTORY_WINDOW), end - at));
      if (window.length < length) throw new ArchiveError('the central directory is truncated');
    }
    const bytes = window.subarray(at - windowAt, at - windowAt + length);
    return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  };
  let p = start;
  for (let i = 0; i < count; i++) {
    const { view: head } = bytesAt(p, 46);
    if (head.getUint32(0, true) !== CENTRAL)
      throw new ArchiveError('the central directory is damaged');
    const flags = head.getUint16(8, true);
    const nameLength = head.getUint16(28, true);
    const extraLength = head.getUint16(30, true);
    const recordLength = 46 + nameLength + extraLength + head.getUint16(32, true);
    const { bytes, view } = bytesAt(p, recordLength);
    const entry: ZipEntry = {
      flags,
      method: view.getUint16(10, true),
      crc: view.getUint32(16, true),
      compressedSize: view.getUint32(20, true),
      declaredSize: view.getUint32(24, true),
      localOffset: view.getUint32(42, true),
      path: decodeName(bytes.subarray(46, 46 + nameLength), flags),
    };
    if ([entry.compressedSize, entry.declaredSize, entry.localOffset].includes(ZIP64_MARK)) {
      applyZip64Extra(view, 46 + nameLength, extraLength, entry);
    }
    yield entry;
    p += recordLength;
  }
}

/** Where a ZIP's central directory is and how many entries it lists, from its end records. */
export interface ZipDirectory {
  count: number;
  start: number;
  size: number;
}

/** Reads the end records of the archive (ZIP64 included); see {@link ZipDirectory}. */
export function zipDirectory(source: ZipSource): ZipDirectory {
  // The end record sits at the end, after a comment of at most 65,535 bytes; the ZIP64 locator
  // (20 bytes) right before it.
  const tailAt = Math.max(0, source.byteLength - (22 + 0xffff + 20));
  const tail = source.read(tailAt, source.byteLength - tailAt);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) {
    throw new ArchiveError('multi-part archives are not supported');
  }
  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let start = view.getUint32(eocd + 16, true);
  // Past 65,535 entries (or 4 GiB) the real figures are in the ZIP64 end record. Exactly
  // 65,535 entries fit the 16-bit count, and writers such as Python's zipfile then write no
  // ZIP64 record: without one, the count is taken as it is.
  const marked = size === ZIP64_MARK || start === ZIP64_MARK;
  if (marked || (count === 0xffff && hasZip64Locator(view, eocd))) {
    ({ count, size, start } = zip64Directory(source, view, eocd, tailAt));
  }
  if (start + size > tailAt + eocd)
    throw new ArchiveError('the central directory is out of bounds');
  return { count, start, size };
}

function hasZip64Locator(tail: DataView, eocd: number): boolean {
  return eocd >= 20 && tail.getUint32(eocd - 20, true) === EOCD64_LOCATOR;
}

/** Count, size and offset of the central directory from the ZIP64 end record. */
function zip64Directory(source: ZipSource, tail: DataView, eocd: number, tailAt: number) {
  const locator = eocd - 20;
  if (!hasZip64Locator(tail, eocd))
    throw new ArchiveError('the ZIP64 end record locator is missing');
  const at = safeNumber(tail.getBigUint64(locator + 8, true));
  const bytes = source.read(at, 56);
  if (at + 56 > tailAt + locator || bytes.length < 56) {
    throw new ArchiveError('the ZIP64 end record is damaged');
  }
  const record = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (record.getUint32(0, true) !== EOCD64) {
    throw new ArchiveError('the ZIP64 end record is damaged');
  }
  if (record.getUint32(16, true) !== 0 || record.getUint32(20, true) !== 0) {
    throw new ArchiveError('multi-part archives are not supported');
  }
  return {
    count: safeNumber(record.getBigUint64(32, true)),
    size: safeNumber(record.getBigUint64(40, true)),
    start: safeNumber(record.getBigUint64(48, true)),
  };
}

/**
 * Reads the 64-bit sizes and offset of an entry from its ZIP64 extra field: only the values
 * marked 0xFFFFFFFF in the header are there, in the order uncompressed size, compressed size,
 * local header offset.
 */
function applyZip64Extra(view: DataView, at: number, length: number, entry: ZipEntry): void {
  for (let p = at; p + 4 <= at + length;) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    if (p + 4 + size > at + length) break;
    if (id === ZIP64_EXTRA) {
      let q = p + 4;
      const read = () => {
        if (q + 8 > p + 4 + size) throw new ArchiveError('a ZIP64 extra field is too short');
        const value = safeNumber(view.getBigUint64(q, true));
        q += 8;
        return value;
      };
      if (entry.declaredSize === ZIP64_MARK) entry.declaredSize = read();
      if (entry.compressedSize === ZIP64_MARK) entry.compressedSize = read();
      if (entry.localOffset === ZIP64_MARK) entry.localOffset = read();
      return;
    }
    p += 4 + size;
  }
  throw new ArchiveError('a ZIP64 entry has no ZIP64 extra field');
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ArchiveError('a ZIP64 value is too large');
  return Number(value);
}

/** Why an entry cannot be extracted (encrypted, unknown compression), or `null`. */
export function unsupportedReason(entry: ZipEntry): string | null {
  if (entry.flags & 1) return 'encrypted archive entries are not supported';
  if (entry.method !== 0 && entry.method !== 8) {
    return `compression method ${entry.method} is not supported (use Deflate or Store)`;
  }
  return null;
}

/**
 * The entry's content, inflated with hard caps: the bytes actually produced are counted as they
 * come (the sizes declared in the headers play no part), and inflation stops as soon as the entry
 * passes `maxBytes` or the shared budget runs out ({@link ArchiveLimitError}). A damaged entry,
 * or one whose CRC does not match, throws {@link ArchiveError}.
 */
export function extractZipEntry(
  zip: Uint8Array | ZipSource,
  entry: ZipEntry,
  maxBytes: number,
  budget: InflateBudget,
): Uint8Array {
  const limit = Math.min(maxBytes, budget.remainingBytes);
  const overflow = () =>
    limit === maxBytes
      ? new ArchiveLimitError('an entry is too large', 'entry')
      : new ArchiveLimitError('the archives are too large');
  // Deflate adds at most 5 bytes per 64 KiB block: compressed data longer than this cannot
  // inflate to an entry within the cap, and is not read from the file at all.
  const compressed = compressedData(sourceOf(zip), entry, maxBytes + (maxBytes >> 8) + 64);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (compressed.length > limit) throw overflow();
    data = compressed;
  } else {
    try {
      // zlib stops as soon as its output passes maxOutputLength, a chunk (16 KiB) at a time.
      data = inflateRawSync(compressed, { maxOutputLength: Math.max(limit, 1) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw overflow();
      throw new ArchiveError(`entry "${shown(entry.path)}" is damaged (${(err as Error).message})`);
    }
    if (data.length > limit) throw overflow();
  }
  budget.remainingBytes -= data.length;
  if (crc32(data) >>> 0 !== entry.crc) {
    throw new ArchiveError(`entry "${shown(entry.path)}" is damaged (CRC mismatch)`);
  }
  return data;
}

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - 22;
  // The record sits at the end, after a comment of at most 65,535 bytes.
  for (let p = last; p >= 0 && p >= last - 0xffff; p--) {
    if (view.getUint32(p, true) === EOCD) return p;
  }
  throw new ArchiveError('not a ZIP archive (no end of central directory)');
}

function compressedData(source: ZipSource, entry: ZipEntry, maxLength: number): Uint8Array {
  const at = entry.localOffset;
  const header = source.read(at, 30);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 30 || view.getUint32(0, true) !== LOCAL) {
    throw new ArchiveError(`entry "${shown(entry.path)}" has no local header`);
  }
  const start = at + 30 + view.getUint16(26, true) + view.getUint16(28, true);
  if (start + entry.compressedSize > source.byteLength) {
    throw new ArchiveError(`entry "${shown(entry.path)}" is truncated`);
  }
  if (entry.compressedSize > maxLength)
    throw new ArchiveLimitError('an entry is too large', 'entry');
  return source.read(start, entry.compressedSize);
}

function decodeName(bytes: Uint8Array, flags: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // Without the UTF-8 flag (bit 11) old tools wrote a legacy code page.
    return flags & 0x800 ? new TextDecoder().decode(bytes) : latin1.decode(bytes);
  }
}
