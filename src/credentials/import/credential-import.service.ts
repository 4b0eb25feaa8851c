import { SettingsService } from '../../config/settings.service';
import {
  BadRequestException,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  PayloadTooLargeException,
} from '@nestjs/common';
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
 * Credentials per bulk write of one import: an import of up to this many (all of a multipart
 * upload of `.json` files) is still one write, all or nothing; a larger archive is stored in
 * steps so that memory holds one step's credentials, not 100,000.
 */
const STORE_BATCH = 10_000;

/** What happened to one offered credential. */
export interface ImportResult {
  filename: string;
  status: 'stored' | 'rejected';
  message: string;
  archive?: string;
  entry?: string;
  index?: number;
}

export interface UploadResponse {
  uploaded_count: number;
  total_count: number;
  results: ImportResult[];
  message: string;
}

export interface ImportTextResponse {
  success: boolean;
  imported: number;
  skipped: number;
  errors: string[];
  results: ImportResult[];
  message: string;
}

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

  /** `POST /auth/upload`: `.json` files and `.zip` archives. 400 when nothing was stored. */
  async upload(ns: Namespace, files: readonly UploadedCredentialFile[]): Promise<UploadResponse> {
    if (files.length === 0) {
      throw new BadRequestException(
        'No files: send .json files or .zip archives in the multipart field "files"',
      );
    }
    const upload = uploadItems(files, this.settings.get('import_max_archive_entries'));
    let results: ImportResult[];
    try {
      results = await this.store(ns, upload.items);
    } finally {
      upload.close();
    }
    const stored = countStored(results);
    const response: UploadResponse = {
      uploaded_count: stored,
      total_count: results.length,
      results,
      message: summary(stored, results.length, 'credential files'),
    };
    this.logger.log(`Upload into ${ns}: ${stored} of ${results.length} credential files stored`);
    if (stored === 0) throw failure(response);
    return response;
  }

  /** `POST /creds/import-text`: one credential or an array. 400 when nothing was imported. */
  async importText(pathNs: Namespace, body: unknown): Promise<ImportTextResponse> {
    const { credentials, antigravity } = readOrFail(body);
    const ns = antigravity ? 'antigravity' : pathNs;
    const stored = needsStoredNames(credentials)
      ? new Set(await this.credentials.listCredentialNames(ns))
      : new Set<string>();
    const results = await this.store(
      ns,
      textImportItems(credentials, (name) => stored.has(name)),
    );
    const imported = countStored(results);
    const rejected = results.filter((r) => r.status === 'rejected');
    const response: ImportTextResponse = {
      success: imported > 0,
      imported,
      skipped: rejected.length,
      errors: rejected.map((r) => `item ${r.index}: ${r.message}`),
      results,
      message: summary(imported, results.length, 'credentials'),
    };
    this.logger.log(`Text import into ${ns}: ${imported} of ${results.length} credentials stored`);
    if (imported === 0) throw failure(response);
    return response;
  }

  /**
   * Stores the items that carry data, in bulk writes of STORE_BATCH; every item was validated
   * before (a damaged archive stores nothing). When several items share a name the
   * last one is stored and the earlier ones are reported as replaced. A credential without a
   * client gets the namespace's public one (the Gemini CLI's `oauth_creds.json` has none); one
   * without a project is marked `no_project` and its project discovered in the background.
   */
  async store(ns: Namespace, items: readonly ImportItem[]): Promise<ImportResult[]> {
    const last = new Map<string, number>();
    items.forEach((item, i) => (item.data || item.load) && last.set(item.filename, i));
    let writes: Array<{ name: string; data: CredentialData }> = [];
    const projectless: string[] = [];
    const results: ImportResult[] = [];
    for (const [i, item] of items.entries()) {
      const { filename, archive, entry, index } = item;
      const where = {
        ...(archive === undefined ? {} : { archive, entry }),
        ...(index === undefined ? {} : { index }),
      };
      if (!item.data && !item.load) {
        results.push({ filename, status: 'rejected', message: item.reason!, ...where });
        continue;
      }
      if (last.get(filename) !== i) {
        const message = 'replaced by a later file with the same name in this request';
        results.push({ filename, status: 'rejected', message, ...where });
        continue;
      }
      const data = withDefaultClient(ns, item.data ?? item.load!());
      writes.push({ name: filename, data });
      if (!projectIdOf(data)) projectless.push(filename);
      const message = projectIdOf(data)
        ? 'stored'
        : 'stored; it has no project_id: discovering it now (see /creds/status)';
      results.push({ filename, status: 'stored', message, ...where });
      // A batch at a time: memory holds one batch of credentials, however many are offered.
      if (writes.length === STORE_BATCH) {
        await this.credentials.upsertCredentials(ns, writes);
        writes = [];
      }
    }
    if (writes.length > 0) await this.credentials.upsertCredentials(ns, writes);
    if (projectless.length > 0) await this.discoverLater(ns, projectless);
    return results;
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

function uploadItems(
  files: readonly UploadedCredentialFile[],
  maxArchiveEntries: number,
): UploadItems {
  try {
    return itemsOfUpload(files, maxArchiveEntries);
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

function countStored(results: readonly ImportResult[]): number {
  return results.filter((r) => r.status === 'stored').length;
}

function summary(stored: number, total: number, what: string): string {
  if (total === 0)
    return `No ${what} found: only .json files and .zip archives of them are imported`;
  if (stored === total) return `Stored ${stored} ${what}`;
  return `Stored ${stored} of ${total} ${what}; ${total - stored} rejected (see results)`;
}

function failure(response: object): BadRequestException {
  return new BadRequestException({ statusCode: HttpStatus.BAD_REQUEST, ...response });
}
