import { crc32 } from 'node:zlib';
import { LoopSlices } from './loop-slices';

/** One file of an archive being written. */
export interface ZipFile {
  /** The entry's path in the archive (UTF-8). */
  name: string;
  data: Uint8Array;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
/** "Made by"/"needed" versions: 2.0 for plain entries, 4.5 once ZIP64 fields are in play. */
const VERSION = 20;
const VERSION_ZIP64 = 45;
/** General purpose flag bit 11: the names are UTF-8. */
const UTF8_NAMES = 0x800;

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
}

/** About how many bytes one chunk of the stream gathers: one write per few hundred entries. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Writes a ZIP archive as a stream of chunks, one entry at a time, so memory holds about one chunk
 * and the central directory, never the whole archive. Entries are stored (credential files are
 * small: deflating them costs more event-loop time than the bytes it saves). Past 65,535 entries
 * or 4 GiB it writes the ZIP64 records that readers need to find every entry.
 *
 * Small records are gathered into chunks of about {@link CHUNK_BYTES} (a chunk per record was
 * 200,000 socket writes for 100,000 credentials), and the central directory is written in slices
 * (see LoopSlices): a reader that keeps up never makes the stream wait, so it would otherwise be
 * made in one stretch of the event loop (0.6 s at 100,000).
 */
export async function* zipStream(files: AsyncIterable<ZipFile>): AsyncGenerator<Buffer> {
  for await (const chunk of gathered(records(files))) yield chunk;
}

/** Joins small buffers into chunks of about {@link CHUNK_BYTES}. */
async function* gathered(parts: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  for await (const part of parts) {
    pending.push(part);
    size += part.length;
    if (size < CHUNK_BYTES) continue;
    yield Buffer.concat(pending, size);
    pending = [];
    size = 0;
  }
  if (size > 0) yield Buffer.concat(pending, size);
}

/** The archive's records in order: each file's, then the central directory and end records. */
async function* records(files: AsyncIterable<ZipFile>): AsyncGenerator<Buffer> {
  const written: Written[] = [];
  const { time, date } = dosDateTime(new Date());
  let offset = 0;
  for await (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const crc = crc32(file.data) >>> 0;
    const size = file.data.length;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(UTF8_NAMES, 6);
    header.writeUInt16LE(0, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(size, 18);
    header.writeUInt32LE(size, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    written.push({ name, crc, size, offset });
    yield Buffer.concat([header, name, file.data]);
    offset += header.length + name.length + size;
  }
  const start = offset;
  const slices = new LoopSlices();
  for (const entry of written) {
    if (slices.due()) await slices.next();
    const chunk = centralHeader(entry, time, date);
    offset += chunk.length;
    yield chunk;
  }
  yield endRecords(written.length, start, offset - start);
}

function centralHeader(entry: Written, time: number, date: number): Buffer {
  const zip64 = entry.offset >= MAX32;
  const extra = Buffer.alloc(zip64 ? 12 : 0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8, 2);
    extra.writeBigUInt64LE(BigInt(entry.offset), 4);
  }
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL, 0);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION, 4);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION, 6);
  header.writeUInt16LE(UTF8_NAMES, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(time, 12);
  header.writeUInt16LE(date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.size, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt32LE(zip64 ? MAX32 : entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

/** The end of central directory, preceded by the ZIP64 record and locator when needed. */
function endRecords(count: number, start: number, size: number): Buffer {
  // 65,535 itself too: readers that take 0xFFFF as "see the ZIP64 record" then find one.
  const zip64 = count >= MAX16 || start >= MAX32 || size >= MAX32;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(zip64 ? MAX16 : count, 8);
  end.writeUInt16LE(zip64 ? MAX16 : count, 10);
  end.writeUInt32LE(zip64 ? MAX32 : size, 12);
  end.writeUInt32LE(zip64 ? MAX32 : start, 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(EOCD64, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(VERSION_ZIP64, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(start), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(EOCD64_LOCATOR, 0);
  locator.writeBigUInt64LE(BigInt(start + size), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}

function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(at.getUTCFullYear(), 1980);
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}
