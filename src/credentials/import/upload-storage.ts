import { PayloadTooLargeException } from '@nestjs/common';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { formatBytes, IMPORT_LIMITS } from './import.constants';

type Done = (error: Error | null, info?: { buffer?: Buffer; path?: string; size: number }) => void;

/**
 * A multer storage engine with two caps: a `.json` (or any non-`.zip`) file is kept in memory,
 * or, past the per-file cap, as its size only, so it is rejected by name while the rest of the
 * upload goes on; all files together past the upload cap fail the request with 413. A `.zip`
 * goes to a temporary file (`path`), so that an archive of 100,000 credentials is not held in
 * memory as it arrives; {@link removeUploadedFiles} deletes it once the request is answered.
 */
export class CappedMemoryStorage {
  private readonly received = new WeakMap<object, { bytes: number }>();

  _handleFile(req: object, file: { originalname: string; stream: Readable }, done: Done) {
    let total = this.received.get(req);
    if (!total) this.received.set(req, (total = { bytes: 0 }));
    if (/\.zip$/i.test(file.originalname)) return this.toTempFile(file.stream, total, done);
    const cap = IMPORT_LIMITS.maxFileBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    file.stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      total.bytes += chunk.length;
      if (total.bytes > IMPORT_LIMITS.maxUploadBytes) {
        failed = true;
        chunks.length = 0;
        const limit = formatBytes(IMPORT_LIMITS.maxUploadBytes);
        done(
          new PayloadTooLargeException(`The upload is larger than ${limit}; nothing was stored`),
        );
        return;
      }
      if (size <= cap) chunks.push(chunk);
      else chunks.length = 0;
    });
    file.stream.on('end', () => {
      if (!failed) done(null, { buffer: size <= cap ? Buffer.concat(chunks) : undefined, size });
    });
  }

  _removeFile(
    _req: object,
    file: { buffer?: Buffer; path?: string },
    done: (error: Error | null) => void,
  ) {
    delete file.buffer;
    removeUploadedFiles([file]);
    done(null);
  }

  private toTempFile(stream: Readable, total: { bytes: number }, done: Done) {
    const path = join(mkdtempSync(join(tmpdir(), 'gcli-upload-')), 'archive.zip');
    const out = createWriteStream(path);
    let size = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stream.unpipe(out);
      stream.resume();
      out.destroy();
      removeUploadedFiles([{ path }]);
      done(error);
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      total.bytes += chunk.length;
      if (total.bytes > IMPORT_LIMITS.maxUploadBytes) {
        const limit = formatBytes(IMPORT_LIMITS.maxUploadBytes);
        fail(
          new PayloadTooLargeException(`The upload is larger than ${limit}; nothing was stored`),
        );
      }
    });
    // An aborted request would otherwise leave the file behind.
    stream.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => !failed && done(null, { path, size }));
    stream.pipe(out);
  }
}

/** Deletes the temporary files of an upload's archives; never throws. */
export function removeUploadedFiles(files: ReadonlyArray<{ path?: string }>): void {
  for (const { path } of files) {
    if (path) rmSync(join(path, '..'), { recursive: true, force: true });
  }
}
