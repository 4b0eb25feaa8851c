import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { Zip, ZipDeflate } from 'fflate';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  type ArchiveManifest,
  MANIFEST_ENTRY,
  type ManifestEntry,
} from './archive-format';

/**
 * Writes a backup archive as a stream: entries are compressed as their pages arrive and the
 * output waits for the disk, so memory stays flat whatever the size. The archive is written
 * beside its final name and renamed only when complete: a crash never leaves a truncated file
 * that looks like a backup.
 */
export class ArchiveWriter {
  private readonly partial: string;
  private readonly out;
  private readonly zip: Zip;
  private failure?: Error;
  private readonly entries: Record<string, ManifestEntry> = {};

  constructor(private readonly path: string) {
    this.partial = `${path}.partial`;
    // It holds every refresh token: readable by its owner only, even where an old partial
    // file was left with a wider mode (the mode applies only to a file being created).
    rmSync(this.partial, { force: true });
    this.out = createWriteStream(this.partial, { mode: 0o600 });
    this.out.on('error', (err) => (this.failure ??= err));
    this.zip = new Zip((err, chunk, final) => {
      if (err) this.failure ??= err;
      else {
        this.out.write(chunk);
        if (final) this.out.end();
      }
    });
  }

  /** Starts an entry; push its pieces, then `end()` it before starting another. */
  entry(name: string) {
    const file = new ZipDeflate(name, { level: 6 });
    this.zip.add(file);
    const hash = createHash('sha256');
    let bytes = 0;
    let count = 0;
    return {
      push: async (text: string, items: number) => {
        const data = Buffer.from(text);
        hash.update(data);
        bytes += data.length;
        count += items;
        file.push(data);
        await this.drained();
      },
      end: async () => {
        file.push(new Uint8Array(0), true);
        this.entries[name] = { count, bytes, sha256: hash.digest('hex') };
        await this.drained();
      },
    };
  }

  /** Adds the manifest, finishes the ZIP and moves it to its final name. */
  async finish(backend: string): Promise<ArchiveManifest> {
    const manifest: ArchiveManifest = {
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      created_at: new Date().toISOString(),
      source: { backend },
      entries: { ...this.entries },
    };
    const entry = this.entry(MANIFEST_ENTRY);
    await entry.push(`${JSON.stringify(manifest, null, 2)}\n`, 0);
    await entry.end();
    delete this.entries[MANIFEST_ENTRY];
    this.zip.end();
    if (!this.out.writableFinished) await once(this.out, 'finish');
    this.check();
    renameSync(this.partial, this.path);
    return manifest;
  }

  /** Drops the unfinished file. */
  abort() {
    this.out.destroy();
    rmSync(this.partial, { force: true });
  }

  private async drained() {
    this.check();
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
    this.check();
  }

  private check() {
    if (this.failure) throw this.failure;
  }
}
