import { createHash, type Hash } from 'node:crypto';
import type { CredentialState, Namespace } from '../../storage/storage-backend.interface';
import { NAMESPACES } from '../../storage/storage-backend.interface';
import {
  checkData,
  checkJson,
  checkKey,
  checkName,
  checkState,
} from '../../storage/storage-validation';
import { invalidData } from '../cli.errors';
import type { TransferItem, TransferSource } from '../transfer/transfer.types';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  type ArchiveManifest,
  credentialsEntry,
  MANIFEST_ENTRY,
  SETTINGS_ENTRY,
} from './archive-format';
import { LineSplitter, readEntryPieces } from './archive-reader';

interface EntryCheck {
  hash: Hash;
  bytes: number;
  count: number;
  done: boolean;
}

/**
 * A backup archive as a source. `open` reads the whole archive once and checks everything (the
 * manifest, each entry's count, size and SHA-256, and every credential and setting against the
 * storage rules) before anything can be written; `pages` then streams it again.
 */
export class ArchiveSource implements TransferSource {
  private constructor(
    private readonly path: string,
    readonly manifest: ArchiveManifest,
    private readonly stored: Record<string, unknown>,
  ) {}

  get shown() {
    return this.path;
  }

  static async open(path: string): Promise<ArchiveSource> {
    const fail = (reason: string) => invalidData(`${path} is not a usable backup: ${reason}`);
    const checks = new Map<string, EntryCheck>();
    const splitters = new Map<string, LineSplitter>();
    const names = new Map<string, Set<string>>();
    let manifestText = '';
    let settingsText = '';
    try {
      for await (const piece of readEntryPieces(path)) {
        const check = checks.get(piece.entry) ?? {
          hash: createHash('sha256'),
          bytes: 0,
          count: 0,
          done: false,
        };
        checks.set(piece.entry, check);
        check.hash.update(piece.data);
        check.bytes += piece.data.length;
        check.done = piece.final;
        const text = () => Buffer.from(piece.data).toString('utf8');
        if (piece.entry === MANIFEST_ENTRY) manifestText += text();
        else if (piece.entry === SETTINGS_ENTRY) settingsText += text();
        else {
          const ns = namespaceOf(piece.entry);
          if (!ns) throw fail(`unexpected entry ${piece.entry}`);
          const splitter = splitters.get(piece.entry) ?? new LineSplitter();
          splitters.set(piece.entry, splitter);
          const seen = names.get(ns) ?? new Set<string>();
          names.set(ns, seen);
          for (const line of splitter.push(piece.data, piece.final)) {
            check.count++;
            const item = parseItem(line, `${piece.entry} line ${check.count}`, fail);
            if (seen.has(item.name)) throw fail(`${piece.entry}: ${item.name} appears twice`);
            seen.add(item.name);
          }
        }
      }
    } catch (err) {
      if ((err as { exitCode?: number }).exitCode !== undefined) throw err;
      throw fail(`cannot read it as a ZIP archive (${(err as Error).message})`);
    }
    if (!checks.has(MANIFEST_ENTRY))
      throw fail('no manifest.json (truncated, or not a gcli2api backup)');
    const manifest = parseManifest(manifestText, fail);
    for (const [entry, expected] of Object.entries(manifest.entries)) {
      const got = checks.get(entry);
      if (!got || !got.done) throw fail(`${entry} is missing or cut short (truncated archive)`);
      const sha256 = got.hash.digest('hex');
      if (got.bytes !== expected.bytes || sha256 !== expected.sha256) {
        throw fail(`${entry} does not match its checksum in the manifest (corrupt archive)`);
      }
      if (entry !== SETTINGS_ENTRY && got.count !== expected.count) {
        throw fail(`${entry} holds ${got.count} credentials, the manifest says ${expected.count}`);
      }
    }
    for (const entry of checks.keys()) {
      if (entry !== MANIFEST_ENTRY && !(entry in manifest.entries)) {
        throw fail(`${entry} is not listed in the manifest`);
      }
    }
    const settings = parseSettings(settingsText, manifest, fail);
    return new ArchiveSource(path, manifest, settings);
  }

  async count(ns: Namespace): Promise<number> {
    return this.manifest.entries[credentialsEntry(ns)]?.count ?? 0;
  }

  async *pages(ns: Namespace, size: number): AsyncIterable<TransferItem[]> {
    const entry = credentialsEntry(ns);
    if (!(entry in this.manifest.entries)) return;
    const splitter = new LineSplitter();
    let page: TransferItem[] = [];
    for await (const piece of readEntryPieces(this.path)) {
      if (piece.entry !== entry) continue;
      for (const line of splitter.push(piece.data, piece.final)) {
        page.push(JSON.parse(line) as TransferItem);
        if (page.length >= size) {
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) yield page;
  }

  async settings(): Promise<Record<string, unknown>> {
    return this.stored;
  }

  async close(): Promise<void> {}
}

function namespaceOf(entry: string): Namespace | undefined {
  return NAMESPACES.find((ns) => credentialsEntry(ns) === entry);
}

function parseItem(line: string, where: string, fail: (reason: string) => Error): TransferItem {
  let item: { name?: unknown; data?: unknown; state?: unknown };
  try {
    item = JSON.parse(line) as typeof item;
  } catch {
    throw fail(`${where} is not JSON`);
  }
  try {
    checkName(item?.name);
    checkData(item.data);
    checkState(item.state);
  } catch (err) {
    throw fail(`${where}: ${(err as Error).message}`);
  }
  return item as TransferItem & { state: CredentialState };
}

function parseManifest(text: string, fail: (reason: string) => Error): ArchiveManifest {
  let manifest: Partial<ArchiveManifest>;
  try {
    manifest = JSON.parse(text) as Partial<ArchiveManifest>;
  } catch {
    throw fail('manifest.json is not JSON');
  }
  if (manifest?.format !== ARCHIVE_FORMAT)
    throw fail('manifest.json is not a gcli2api backup manifest');
  if (manifest.version !== ARCHIVE_VERSION) {
    throw fail(
      `archive version ${String(manifest.version)} is not supported (this gcli2api reads version ${ARCHIVE_VERSION})`,
    );
  }
  if (!manifest.entries || typeof manifest.entries !== 'object')
    throw fail('manifest.json lists no entries');
  return manifest as ArchiveManifest;
}

function parseSettings(
  text: string,
  manifest: ArchiveManifest,
  fail: (reason: string) => Error,
): Record<string, unknown> {
  if (!(SETTINGS_ENTRY in manifest.entries)) return {};
  let settings: unknown;
  try {
    settings = JSON.parse(text);
  } catch {
    throw fail('settings.json is not JSON');
  }
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) {
    throw fail('settings.json is not an object');
  }
  for (const [key, value] of Object.entries(settings)) {
    try {
      checkKey('setting key', key);
      checkJson(value, `settings[${JSON.stringify(key)}]`);
    } catch (err) {
      throw fail(`settings.json: ${(err as Error).message}`);
    }
  }
  const count = Object.keys(settings).length;
  if (count !== manifest.entries[SETTINGS_ENTRY].count) {
    throw fail(
      `settings.json holds ${count} settings, the manifest says ${manifest.entries[SETTINGS_ENTRY].count}`,
    );
  }
  return settings as Record<string, unknown>;
}
