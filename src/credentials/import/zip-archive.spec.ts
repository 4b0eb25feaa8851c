import { Zip, ZipDeflate, zipSync } from 'fflate';
import { toZip64 } from '../../../test/support/zip64';
import {
  ArchiveError,
  ArchiveLimitError,
  extractZipEntry,
  unsupportedReason,
  zipEntries,
} from './zip-archive';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);
const roomy = () => ({ remainingBytes: 1e9 });

/** Patches a little-endian field of every header with the given signature. */
function patch(zip: Uint8Array, signature: number, offset: number, width: 2 | 4, value: number) {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (let p = 0; p + 4 <= copy.length; p++) {
    if (view.getUint32(p, true) !== signature) continue;
    if (width === 2) view.setUint16(p + offset, value, true);
    else view.setUint32(p + offset, value, true);
  }
  return copy;
}

describe('zip archive reading', () => {
  it('lists entries in order and extracts stored and deflated ones', () => {
    const zip = zipSync({
      dir: {},
      'dir/a.json': [bytes('{"a":1}'), { level: 0 }],
      'b.json': [bytes('{"b":2}'.repeat(100)), { level: 9 }],
    });
    const entries = zipEntries(zip);
    expect(entries.map((e) => [e.path, e.method])).toEqual([
      ['dir/', 8],
      ['dir/a.json', 0],
      ['b.json', 8],
    ]);
    expect(text(extractZipEntry(zip, entries[1], 1024, roomy()))).toBe('{"a":1}');
    expect(text(extractZipEntry(zip, entries[2], 1024, roomy()))).toBe('{"b":2}'.repeat(100));
  });

  it('reads archives written with data descriptors (sizes after the data)', () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      chunks.push(chunk);
    });
    const entry = new ZipDeflate('streamed.json', { level: 6 });
    zip.add(entry);
    entry.push(bytes('{"refresh_token":"r"}'), true);
    zip.end();
    const archive = Buffer.concat(chunks);
    const [only] = zipEntries(archive);
    expect(only.flags & 8).toBe(8);
    expect(text(extractZipEntry(archive, only, 1024, roomy()))).toBe('{"refresh_token":"r"}');
  });

  it('stops inflating as soon as an entry passes its cap, whatever the headers say', () => {
    const bomb = zipSync({ 'bomb.json': new Uint8Array(64 * 1024 * 1024) });
    const liar = patch(patch(bomb, 0x04034b50, 22, 4, 10), 0x02014b50, 24, 4, 10);
    for (const zip of [bomb, liar]) {
      const [entry] = zipEntries(zip);
      const error = catchError(() => extractZipEntry(zip, entry, 1024 * 1024, roomy()));
      expect(error).toBeInstanceOf(ArchiveLimitError);
      expect((error as ArchiveLimitError).cap).toBe('entry');
    }
  });

  it('shares one inflate budget across entries, so overlapping entries cannot multiply', () => {
    const zip = zipSync({ 'a.json': new Uint8Array(1000), 'b.json': new Uint8Array(1000) });
    const [a, b] = zipEntries(zip);
    const budget = { remainingBytes: 1500 };
    extractZipEntry(zip, a, 1024, budget);
    const error = catchError(() => extractZipEntry(zip, b, 1024, budget));
    expect(error).toBeInstanceOf(ArchiveLimitError);
    expect((error as ArchiveLimitError).cap).toBe('total');
  });

  it('names encrypted entries and unknown compression methods as unsupported', () => {
    const zip = zipSync({ 'a.json': bytes('{}') });
    const encrypted = zipEntries(patch(zip, 0x02014b50, 8, 2, 1))[0];
    expect(unsupportedReason(encrypted)).toBe('encrypted archive entries are not supported');
    const bzip2 = zipEntries(patch(zip, 0x02014b50, 10, 2, 12))[0];
    expect(unsupportedReason(bzip2)).toBe(
      'compression method 12 is not supported (use Deflate or Store)',
    );
    expect(unsupportedReason(zipEntries(zip)[0])).toBeNull();
  });

  it('decodes names without the UTF-8 flag as Latin-1 when they are not UTF-8', () => {
    const zip = zipSync({ 'caf_.json': bytes('{}') });
    const at = zip.lastIndexOf('_'.charCodeAt(0));
    zip[at] = 0xe9;
    expect(zipEntries(zip)[0].path).toBe('café.json');
  });

  it('reads ZIP64 archives: 64-bit sizes and offsets, and more than 65,535 entries', () => {
    const small = zipSync({ 'a.json': bytes('{"a":1}'), 'dir/b.json': bytes('{"b":2}') });
    const zip64 = toZip64(small, 2);
    const entries = zipEntries(zip64);
    expect(entries.map((e) => e.path)).toEqual(['a.json', 'dir/b.json']);
    expect(text(extractZipEntry(zip64, entries[1], 1024, roomy()))).toBe('{"b":2}');

    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 70_000; i++) files[`c${i}.json`] = bytes('{}');
    const many = toZip64(zipSync(files, { level: 0 }), 70_000);
    const listed = zipEntries(many);
    expect(listed).toHaveLength(70_000);
    expect(listed[69_999].path).toBe('c69999.json');
    expect(text(extractZipEntry(many, listed[69_999], 1024, roomy()))).toBe('{}');
  });

  it('reads exactly 65,535 entries written without ZIP64 records (as Python writes them)', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 65_535; i++) files[`c${i}.json`] = bytes('{}');
    const listed = zipEntries(zipSync(files, { level: 0 }));
    expect(listed).toHaveLength(65_535);
    expect(listed[65_534].path).toBe('c65534.json');
  });

  it('refuses a ZIP64 archive whose end record or extra field is damaged', () => {
    const zip64 = toZip64(zipSync({ 'a.json': bytes('{"a":1}') }), 1);
    const noLocator = patch(zip64, 0x07064b50, 0, 4, 0);
    expect(() => zipEntries(noLocator)).toThrow(/locator is missing/);
    const badRecord = patch(zip64, 0x07064b50, 8, 4, 3);
    expect(() => zipEntries(badRecord)).toThrow(/ZIP64 end record is damaged/);
    const noExtra = patch(zip64, 0x02014b50, 46 + 'a.json'.length, 2, 0x9999);
    expect(() => zipEntries(noExtra)).toThrow(/no ZIP64 extra field/);
  });

  it('throws ArchiveError for what is not a readable archive', () => {
    const zip = zipSync({ 'a.json': bytes('{"a":1}') });
    const damaged = zip.slice();
    damaged[30 + 'a.json'.length + 2] ^= 0xff;
    const cases: Array<[Uint8Array, RegExp]> = [
      [bytes('not a zip'), /no end of central directory/],
      [new Uint8Array(0), /no end of central directory/],
      [zip.subarray(0, zip.length - 10), /no end of central directory/],
      [patch(zip, 0x06054b50, 16, 4, 0xffffffff), /ZIP64/],
      [patch(zip, 0x06054b50, 16, 4, 9999), /out of bounds/],
      [patch(zip, 0x02014b50, 42, 4, 5), /no local header/],
      [patch(zip, 0x02014b50, 20, 4, 9999), /truncated/],
    ];
    for (const [archive, message] of cases) {
      const error = catchError(() => {
        for (const entry of zipEntries(archive)) extractZipEntry(archive, entry, 1024, roomy());
      });
      expect(error).toBeInstanceOf(ArchiveError);
      expect((error as Error).message).toMatch(message);
    }
    const [entry] = zipEntries(damaged);
    expect(catchError(() => extractZipEntry(damaged, entry, 1024, roomy()))).toBeInstanceOf(
      ArchiveError,
    );
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
