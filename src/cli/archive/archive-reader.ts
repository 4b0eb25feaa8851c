import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Unzip, UnzipInflate } from 'fflate';

/** Compressed bytes read per step; the inflated text of one step is what memory holds. */
const READ_CHUNK = 64 * 1024;

/** A piece of one entry's uncompressed content, in order; `final` marks its last piece. */
export interface EntryPiece {
  entry: string;
  data: Uint8Array;
  final: boolean;
}

/**
 * The entries of a ZIP file as a stream of pieces, read and inflated step by step. A broken
 * deflate stream throws; a truncated file simply ends without the `final` piece of some entry,
 * which the caller detects.
 */
export async function* readEntryPieces(path: string): AsyncGenerator<EntryPiece> {
  const ready: EntryPiece[] = [];
  let failure: Error | undefined;
  const unzip = new Unzip((file) => {
    file.ondata = (err, data, final) => {
      if (err) failure ??= new Error(`${file.name}: ${err.message}`);
      else ready.push({ entry: file.name, data, final });
    };
    try {
      file.start();
    } catch (err) {
      failure ??= new Error(`${file.name}: ${(err as Error).message}`);
    }
  });
  unzip.register(UnzipInflate);
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (err) {
      failure ??= err as Error;
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
    push(chunk as Buffer, false);
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  push(new Uint8Array(0), true);
  if (failure) throw failure;
  yield* ready.splice(0);
}

/** Splits one entry's pieces into lines (UTF-8 safe across piece boundaries). */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  /** The complete lines in `data`; with `final`, also the last line without a newline. */
  push(data: Uint8Array, final: boolean): string[] {
    const text =
      this.rest + this.decoder.write(Buffer.from(data.buffer, data.byteOffset, data.length));
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    if (final) {
      const last = this.rest + this.decoder.end();
      this.rest = '';
      if (last) lines.push(last);
    }
    return lines.filter((line) => line.length > 0);
  }
}
