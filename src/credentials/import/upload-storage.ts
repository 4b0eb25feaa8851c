import { PayloadTooLargeException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { formatBytes, IMPORT_LIMITS } from './import.constants';

type Done = (error: Error | null, info?: { buffer?: Buffer; size: number }) => void;

/**
 * A multer storage engine that keeps files in memory, like multer's own, with two caps: a
 * `.json` (or any non-`.zip`) file past the per-file cap is kept as its size only, so it is
 * rejected by name while the rest of the upload goes on; all files together past the upload cap
 * fail the request with 413.
 */
export class CappedMemoryStorage {
  private readonly received = new WeakMap<object, { bytes: number }>();

  _handleFile(req: object, file: { originalname: string; stream: Readable }, done: Done) {
    let total = this.received.get(req);
    if (!total) this.received.set(req, (total = { bytes: 0 }));
    const cap = /\.zip$/i.test(file.originalname) ? Infinity : IMPORT_LIMITS.maxFileBytes;
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

  _removeFile(_req: object, file: { buffer?: Buffer }, done: (error: Error | null) => void) {
    delete file.buffer;
    done(null);
  }
}
