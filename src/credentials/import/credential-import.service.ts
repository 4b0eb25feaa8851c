import { SettingsService } from '../../config/settings.service';
import {
  BadRequestException,
  HttpException,
  Injectable,
  Logger,
  PayloadTooLargeException,
} from '@nestjs/common';
import { JsonList } from '../../common/json-answer';
import { LoopSlices } from '../../common/loop-slices';
import type {
  CredentialData,
  CredentialStore,
  Namespace,
} from '../../storage/storage-backend.interface';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { CredentialChecks } from '../checks/credential-checks.service';
import { parseCredential } from '../credential-file';
import { withDefaultClient } from '../discovery/oauth-clients';
import { problemOf } from '../problems';
import { projectIdOf } from '../rotation/credential-token';
import {
  type ImportItem,
  itemsOfUpload,
  type UploadedCredentialFile,
  type UploadItems,
} from './import-items';
import {
  ImportTextError,
  projectFileName,
  readImportTextBody,
  textImportItems,
} from './import-text';
import { ArchiveError, ArchiveLimitError } from './zip-archive';
import { ADMIN_CONCURRENCY, mapConcurrent } from '../admin/map-concurrent';
import { CHECK_CONCURRENCY } from '../checks/credential-checks.service';

/**
 * Credentials per bulk write of one import of `.json` files or text items: up to this many are
 * one write, all or nothing; a larger one (up to 20,000) is two. Every item is checked against
 * what storage accepts before the first write, so only a storage outage can stop an import
 * between two writes, and importing again then completes it (the writes are upserts).
 */
const STORE_BATCH = 10_000;

/**
 * Archive entries per bulk write. They are read again from the archive as they are stored, so
 * a smaller write holds less at once and, on SQLite (synchronous), keeps the event loop for less:
 * at 100,000 entries the longest health-check wait went from about 200 ms to 130 ms.
 */
const ARCHIVE_BATCH = 2_000;

/** What happened to one offered credential. */
export interface ImportResult {
  filename: string;
  status: 'stored' | 'rejected';
  message: string;
  archive?: string;
  entry?: string;
  index?: number;
}

/**
 * What `POST /auth/upload` answers; its route answers 400 with the same body when nothing was
 * stored. `results` is made on demand, item by item, as the answer is written.
 */
export interface UploadResponse {
  uploaded_count: number;
  total_count: number;
  results: JsonList<ImportResult>;
  message: string;
}

/** What `POST /creds/import-text` answers; 400 with the same body when nothing was imported. */
export interface ImportTextResponse {
  success: boolean;
  imported: number;
  skipped: number;
  errors: JsonList<string>;
  results: JsonList<ImportResult>;
  message: string;
}

/** How each offered credential fared: one byte per item, not one result object per item. */
const VERDICT = { rejected: 0, replaced: 1, stored: 2, storedWithoutProject: 3 } as const;

/**
 * What one import did: how many credentials it stored, and a result per offered item, made
 * from the item and its verdict when asked for (an answer listing 100,000 writes them as it
 * goes).
 */
export class ImportReport {
  constructor(
    private readonly items: readonly ImportItem[],
    private readonly verdicts: Uint8Array,
    /** Credentials stored. */
    readonly stored: number,
  ) {}

  /** Items offered. */
  get total(): number {
    return this.items.length;
  }

  /** Items rejected (invalid, or replaced by a later one of the same name). */
  get rejected(): number {
    return this.total - this.stored;
  }

  /** A result per offered item, in the order offered. */
  readonly results = new JsonList(() => this.each());

  /** The rejected items' results, in the order offered. */
  readonly rejections = new JsonList(() => this.each(false));

  private *each(stored?: boolean): Generator<ImportResult> {
    for (const [i, item] of this.items.entries()) {
      const verdict = this.verdicts[i];
      const ok = verdict >= VERDICT.stored;
      if (stored !== undefined && ok !== stored) continue;
      const { filename, archive, entry, index } = item;
      yield {
        filename,
        status: ok ? 'stored' : 'rejected',
        message: MESSAGES[verdict] ?? item.reason!,
        ...(archive === undefined ? {} : { archive, entry }),
        ...(index === undefined ? {} : { index }),
      };
    }
  }
}

const MESSAGES: Record<number, string> = {
  [VERDICT.replaced]: 'replaced by a later file with the same name in this request',
  [VERDICT.stored]: 'stored',
  [VERDICT.storedWithoutProject]:
    'stored; it has no project_id: discovering it now (see /creds/status)',
};

/**
 * Imports credential files (multipart uploads, pasted JSON, the start-up directory): validates
 * every one, reports each as stored or rejected with its reason, and stores the good ones with
 * bulk writes of STORE_BATCH, so an existing credential keeps its state.
 */
@Injectable()
export class CredentialImportService {
  private readonly logger = new Logger('CredentialImport');

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    private readonly settings: SettingsService,
    private readonly checks: CredentialChecks,
  ) {}

  /** `POST /auth/upload`: `.json` files and `.zip` archives. */
  async upload(ns: Namespace, files: readonly UploadedCredentialFile[]): Promise<UploadResponse> {
    if (files.length === 0) {
      throw new BadRequestException(
        'No files: send .json files or .zip archives in the multipart field "files"',
      );
    }
    const upload = await uploadItems(files, this.settings.get('import_max_archive_entries'));
    let report: ImportReport;
    try {
      report = await this.store(ns, upload.items);
    } finally {
      upload.close();
    }
    const { stored, total } = report;
    this.logger.log(`Upload into ${ns}: ${stored} of ${total} credential files stored`);
    return {
      uploaded_count: stored,
      total_count: total,
      results: report.results,
      message: summary(stored, total, 'credential files'),
    };
  }

  /** `POST /creds/import-text`: one credential or an array. */
  async importText(pathNs: Namespace, body: unknown): Promise<ImportTextResponse> {
    const { credentials, antigravity } = readOrFail(body);
    const ns = antigravity ? 'antigravity' : pathNs;
    const stored = needsStoredNames(credentials)
      ? new Set(await this.credentials.listCredentialNames(ns))
      : new Set<string>();
    const report = await this.store(
      ns,
      textImportItems(credentials, (name) => stored.has(name)),
    );
    const { stored: imported, total } = report;
    this.logger.log(`Text import into ${ns}: ${imported} of ${total} credentials stored`);
    return {
      success: imported > 0,
      imported,
      skipped: report.rejected,
      errors: new JsonList(function* () {
        for (const r of report.rejections) yield `item ${r.index}: ${r.message}`;
      }),
      results: report.results,
      message: summary(imported, total, 'credentials'),
    };
  }

  /**
   * Stores the items that carry data, in bulk writes of STORE_BATCH (of ARCHIVE_BATCH once that
   * many archive entries are in one); every item was validated
   * before (a damaged archive stores nothing). When several items share a name the
   * last one is stored and the earlier ones are reported as replaced. A credential without a
   * client gets the namespace's public one (the Gemini CLI's `oauth_creds.json` has none); one
   * without a project is marked `no_project` and its project discovered in the background.
   * Archive entries are read again as they are stored, in slices (see LoopSlices).
   */
  async store(ns: Namespace, items: readonly ImportItem[]): Promise<ImportReport> {
    const last = new Map<string, number>();
    items.forEach((item, i) => (item.data || item.load) && last.set(item.filename, i));
    let writes: Array<{ name: string; data: CredentialData }> = [];
    const projectless: string[] = [];
    const verdicts = new Uint8Array(items.length);
    const slices = new LoopSlices();
    let stored = 0;
    let loaded = 0;
    for (const [i, item] of items.entries()) {
      if (slices.due()) await slices.next();
      const { filename } = item;
      if (!item.data && !item.load) {
        verdicts[i] = VERDICT.rejected;
        continue;
      }
      if (last.get(filename) !== i) {
        verdicts[i] = VERDICT.replaced;
        continue;
      }
      if (item.load) loaded++;
      const data = withDefaultClient(ns, item.data ?? item.load!());
      writes.push({ name: filename, data });
      stored++;
      if (projectIdOf(data)) {
        verdicts[i] = VERDICT.stored;
      } else {
        verdicts[i] = VERDICT.storedWithoutProject;
        projectless.push(filename);
      }
      // A batch at a time: memory holds one batch of credentials, however many are offered.
      if (writes.length === STORE_BATCH || loaded === ARCHIVE_BATCH) {
        await this.credentials.upsertCredentials(ns, writes);
        writes = [];
        loaded = 0;
      }
    }
    if (writes.length > 0) await this.credentials.upsertCredentials(ns, writes);
    if (projectless.length > 0) await this.discoverLater(ns, projectless);
    return new ImportReport(items, verdicts, stored);
  }

  /**
   * Marks the credentials `no_project` at once (so none looks healthy meanwhile), then discovers
   * their projects a few at a time without holding the request; the problem is cleared on
   * success, and a failure says why (requests retry it on first use).
   */
  private async discoverLater(ns: Namespace, names: readonly string[]) {
    const problem = problemOf('no_project', 'no project_id yet: discovery is running', Date.now());
    await mapConcurrent(names, ADMIN_CONCURRENCY, (name) =>
      this.credentials.updateState(ns, name, { problem }),
    );
    void mapConcurrent(names, CHECK_CONCURRENCY, async (name) => {
      const outcome = await this.checks.discoverImported(ns, name);
      this.logger.log(`Imported credential ${name}: ${outcome.message}`);
    }).catch((err: Error) =>
      this.logger.warn(`Project discovery of imported credentials stopped: ${err.message}`),
    );
  }
}

/** Whether some credential gets a fallback name, which must avoid the stored names. */
function needsStoredNames(credentials: readonly unknown[]): boolean {
  return credentials.some((json) => {
    const parsed = parseCredential(json);
    return parsed.ok && projectFileName(parsed.data) === null;
  });
}

async function uploadItems(
  files: readonly UploadedCredentialFile[],
  maxArchiveEntries: number,
): Promise<UploadItems> {
  try {
    return await itemsOfUpload(files, maxArchiveEntries);
  } catch (err) {
    if (err instanceof ArchiveLimitError) {
      throw new PayloadTooLargeException(`Upload refused: ${err.message}; nothing was stored`);
    }
    if (err instanceof ArchiveError) {
      throw new BadRequestException(`${err.message}; nothing was stored`);
    }
    throw err;
  }
}

function readOrFail(body: unknown) {
  try {
    return readImportTextBody(body);
  } catch (err) {
    if (err instanceof ImportTextError) throw new HttpException(err.message, err.status);
    throw err;
  }
}

function summary(stored: number, total: number, what: string): string {
  if (total === 0)
    return `No ${what} found: only .json files and .zip archives of them are imported`;
  if (stored === total) return `Stored ${stored} ${what}`;
  return `Stored ${stored} of ${total} ${what}; ${total - stored} rejected (see results)`;
}
