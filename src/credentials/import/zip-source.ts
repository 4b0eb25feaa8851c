import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Random access to the bytes of an archive: in memory, or in a file read by offset, so that an
 * archive of 100,000 credentials is never held whole.
 */
export interface ZipSource {
  /** Size of the archive in bytes. */
  readonly byteLength: number;
  /**
   * `length` bytes from `offset`, fewer when the archive ends first. The bytes may share memory
   * with the source (a view of an in-memory archive): copy them to keep them.
   */
  read(offset: number, length: number): Uint8Array;
}

/** An archive already in memory. */
export function bufferSource(zip: Uint8Array): ZipSource {
  return {
    byteLength: zip.byteLength,
    read: (offset, length) => zip.subarray(offset, Math.min(offset + length, zip.byteLength)),
  };
}

/** An archive in a file, read by offset through one descriptor; `close()` releases it. */
export interface FileZipSource extends ZipSource {
  close(): void;
}

/** Opens `path` for reading by offset. */
export function fileSource(path: string): FileZipSource {
  const fd = openSync(path, 'r');
  const byteLength = fstatSync(fd).size;
  let open = true;
  return {
    byteLength,
    read(offset, length) {
      const bytes = Buffer.allocUnsafe(Math.max(0, Math.min(length, byteLength - offset)));
      let done = 0;
      while (done < bytes.length) {
        const n = readSync(fd, bytes, done, bytes.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return bytes.subarray(0, done);
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** The source of `zip`: itself when it is one, else a view of the bytes. */
export function sourceOf(zip: Uint8Array | ZipSource): ZipSource {
  return zip instanceof Uint8Array ? bufferSource(zip) : zip;
}
