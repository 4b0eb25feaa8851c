import { ArchiveWriter } from '../archive/archive-writer';
import { credentialsEntry, type ArchiveManifest, SETTINGS_ENTRY } from '../archive/archive-format';
import type { ProgressReporter } from '../progress.reporter';
import type { Namespace } from '../../storage/storage-backend.interface';
import { normalizeState } from './normalize-state';
import { readAhead, type TransferSource } from './transfer.types';

export interface ExportOptions {
  namespaces: readonly Namespace[];
  credentials: boolean;
  settings: boolean;
  pageSize: number;
  /** The backend name recorded in the manifest. */
  backend: string;
  stop: { requested: boolean };
}

/** Streams the source into a backup archive at `path`; returns its manifest. */
export async function exportArchive(
  source: TransferSource,
  path: string,
  options: ExportOptions,
  progress: ProgressReporter,
): Promise<ArchiveManifest | undefined> {
  const writer = new ArchiveWriter(path);
  try {
    if (options.credentials) {
      for (const ns of options.namespaces) {
        progress.start(ns, await source.count(ns));
        const entry = writer.entry(credentialsEntry(ns));
        for await (const page of readAhead(source.pages(ns, options.pageSize))) {
          const lines = page.map(({ name, data, state }) =>
            JSON.stringify({ name, data, state: normalizeState(state) }),
          );
          await entry.push(`${lines.join('\n')}\n`, page.length);
          progress.advance(page.length);
          await new Promise((resolve) => setImmediate(resolve));
          // An export is not resumable: stopping leaves no archive, not a partial one.
          if (options.stop.requested) {
            writer.abort();
            return undefined;
          }
        }
        await entry.end();
        progress.finish();
      }
    }
    if (options.settings) {
      const settings = await source.settings();
      const entry = writer.entry(SETTINGS_ENTRY);
      await entry.push(`${JSON.stringify(settings)}\n`, Object.keys(settings).length);
      await entry.end();
    }
    return await writer.finish(options.backend);
  } catch (err) {
    writer.abort();
    throw err;
  }
}
