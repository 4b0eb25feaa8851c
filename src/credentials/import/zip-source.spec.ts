import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { tempDir } from '../../../test/support/temp-dir';
import { toZip64 } from '../../../test/support/zip64';
import { eachZipEntry, extractZipEntry } from './zip-archive';
import { bufferSource, fileSource, type ZipSource } from './zip-source';

const bytes = (value: string) => new TextEncoder().encode(value);

/** 5,000 entries: a central directory of ~330 KiB, more than one read window. */
function largeArchive(): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 5_000; i++) files[`credential-${i}.json`] = bytes(`{"n":${i}}`);
  return toZip64(zipSync(files, { level: 1 }), 5_000);
}

/** A source that remembers the largest single read. */
function watched(source: ZipSource) {
  const seen = { largest: 0, total: 0 };
  const read = (offset: number, length: number) => {
    const got = source.read(offset, length);
    seen.largest = Math.max(seen.largest, got.length);
    seen.total += got.length;
    return got;
  };
  return { source: { byteLength: source.byteLength, read }, seen };
}

describe('zip archives read by offset', () => {
  it('walks a large ZIP64 archive a window at a time and reads each entry on its own', () => {
    const zip = largeArchive();
    const { source, seen } = watched(bufferSource(zip));
    expect([...eachZipEntry(source)]).toHaveLength(5_000);
    expect(seen.largest).toBeLessThanOrEqual(256 * 1024);
    const [, second] = eachZipEntry(bufferSource(zip));
    seen.total = 0;
    const content = extractZipEntry(source, second, 1024, { remainingBytes: 1e9 });
    expect(new TextDecoder().decode(content)).toBe('{"n":1}');
    expect(seen.total).toBeLessThanOrEqual(30 + second.path.length + second.compressedSize);
  });

  it('reads the same entries from a file as from memory', () => {
    const dir = tempDir();
    try {
      const zip = largeArchive();
      const path = join(dir.path, 'archive.zip');
      writeFileSync(path, zip);
      const file = fileSource(path);
      try {
        const fromFile = [...eachZipEntry(file)];
        expect(fromFile).toEqual([...eachZipEntry(bufferSource(zip))]);
        const last = fromFile[fromFile.length - 1];
        const content = extractZipEntry(file, last, 1024, { remainingBytes: 1e9 });
        expect(new TextDecoder().decode(content)).toBe('{"n":4999}');
      } finally {
        file.close();
      }
    } finally {
      dir.remove();
    }
  });
});
