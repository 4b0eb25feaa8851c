import { workerNumber } from '../../cluster/worker-id';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gatewayEnv } from '../../env/env.schema';
import type { Namespace, EphemeralStore } from '../../storage/storage-backend.interface';
import { InjectEphemeralStore } from '../../storage/storage.decorators';
import { CredentialImportService } from './credential-import.service';
import { shown } from './display-name';
import { type ImportItem, itemOfFile } from './import-items';
import { formatBytes, IMPORT_LIMITS } from './import.constants';

const NAMESPACE: Namespace = 'geminicli';
/**
 * Which files were imported, as `{name: content hash}`, kept in one storage entry (config would
 * put thousands of keys in every settings reload). The TTL only has to outlive the deployment.
 */
const MARKER_KEY = `credential-import:startup:${NAMESPACE}`;
const MARKER_TTL_MS = 10 * 365 * 24 * 3600 * 1000;
const READ_CONCURRENCY = 32;
const MAX_WARNINGS = 50;

/**
 * Imports the `*.json` files placed directly in CREDENTIALS_DIR (not in subdirectories) once,
 * when the app starts, with one bulk write into the Gemini CLI namespace. A file is imported
 * again only when its content changes, so a restart never overwrites a credential changed
 * through the admin routes since. `AUTO_IMPORT_CREDS=false` turns this off.
 */
@Injectable()
export class StartupImportService implements OnApplicationBootstrap {
  private readonly logger = new Logger('CredentialImport');

  constructor(
    private readonly config: ConfigService,
    private readonly imports: CredentialImportService,
    @InjectEphemeralStore() private readonly entries: EphemeralStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const env = gatewayEnv(this.config);
    // Under WORKERS=N one process imports for all; the others see the result through storage.
    if (!env.AUTO_IMPORT_CREDS || workerNumber() !== 1) return;
    const dir = resolve(env.CREDENTIALS_DIR);
    try {
      await this.importDirectory(dir);
    } catch (err) {
      this.logger.error(`Importing credential files from ${dir} failed: ${(err as Error).message}`);
    }
  }

  /** Imports the new or changed `*.json` files of `dir`; a missing directory is not an error. */
  async importDirectory(dir: string): Promise<void> {
    const names = await jsonFileNames(dir);
    if (names.length === 0) return;
    const marker = await this.readMarker();
    const files = await readFiles(dir, names);
    const fresh = files.filter((f) => f.bytes === undefined || marker[f.name] !== f.hash);
    const items: ImportItem[] = fresh.slice(0, IMPORT_LIMITS.maxFiles).map((f) => f.item);
    const report = await this.imports.store(NAMESPACE, items);
    const results = [...report.results];
    const stored = results.filter((r) => r.status === 'stored');
    const hashes = new Map(files.map((f) => [f.name, f.hash]));
    for (const result of stored) marker[result.filename] = hashes.get(result.filename)!;
    if (stored.length > 0) {
      await this.entries.setEntry(MARKER_KEY, JSON.stringify(marker), MARKER_TTL_MS);
    }
    const rejected = results.filter((r) => r.status === 'rejected');
    rejected.slice(0, MAX_WARNINGS).forEach((r) => {
      this.logger.warn(`Skipped credential file ${shown(r.filename)} in ${dir}: ${r.message}`);
    });
    if (rejected.length > MAX_WARNINGS) {
      this.logger.warn(`... and ${rejected.length - MAX_WARNINGS} more rejected files in ${dir}`);
    }
    const extra = [
      files.length > fresh.length && `${files.length - fresh.length} already imported earlier`,
      rejected.length > 0 && `${rejected.length} rejected`,
      fresh.length > items.length &&
        `${fresh.length - items.length} left for the next start (at most ${IMPORT_LIMITS.maxFiles} per start)`,
    ].filter(Boolean);
    const note = extra.length > 0 ? ` (${extra.join(', ')})` : '';
    this.logger.log(`Imported ${stored.length} credential files from ${dir}${note}`);
  }

  private async readMarker(): Promise<Record<string, string>> {
    const raw = await this.entries.getEntry(MARKER_KEY);
    if (!raw) return {};
    try {
      const parsed: unknown = JSON.parse(raw);
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }
}

interface DirectoryFile {
  name: string;
  hash: string;
  bytes?: Buffer;
  item: ImportItem;
}

async function jsonFileNames(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.json$/i.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Reads the files a few at a time; one too large or unreadable becomes a rejected item. */
async function readFiles(dir: string, names: string[]): Promise<DirectoryFile[]> {
  const files: Array<DirectoryFile | null> = [];
  for (let i = 0; i < names.length; i += READ_CONCURRENCY) {
    const batch = names.slice(i, i + READ_CONCURRENCY);
    files.push(...(await Promise.all(batch.map((name) => readOne(dir, name)))));
  }
  return files.filter((f): f is DirectoryFile => f !== null);
}

async function readOne(dir: string, name: string): Promise<DirectoryFile | null> {
  const path = join(dir, name);
  try {
    const info = await stat(path);
    if (!info.isFile()) return null;
    if (info.size > IMPORT_LIMITS.maxFileBytes) {
      const reason = `larger than ${formatBytes(IMPORT_LIMITS.maxFileBytes)}`;
      return { name, hash: '', item: { filename: name, reason } };
    }
    const bytes = await readFile(path);
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
    return { name, hash, bytes, item: itemOfFile(name, bytes) };
  } catch (err) {
    const reason = `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    return { name, hash: '', item: { filename: name, reason } };
  }
}
