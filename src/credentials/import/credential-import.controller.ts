import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  UploadedFiles,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { jsonAnswer } from '../../common/json-answer';
import { JsonBody } from '../../common/json-body.guard';
import { namespaceOfPath, withTwin } from '../namespace';
import { CredentialImportService } from './credential-import.service';
import type { UploadedCredentialFile } from './import-items';
import { IMPORT_LIMITS, IMPORT_TEXT_BODY, MAX_UPLOAD_FIELDS } from './import.constants';
import { UploadErrorsFilter } from './upload-errors.filter';
import { CappedMemoryStorage, removeUploadedFiles } from './upload-storage';

const uploadOptions = {
  storage: new CappedMemoryStorage(),
  // The client's file name exactly as sent: an unsafe one (a path, `..`) is rejected, never cut
  // to a basename. Browsers send basenames anyway; only scripts can send paths.
  preservePath: true,
  // Browsers send UTF-8 file names; busboy would read them as Latin-1.
  defParamCharset: 'utf8',
  limits: {
    files: IMPORT_LIMITS.maxFiles,
    fields: MAX_UPLOAD_FIELDS,
    parts: IMPORT_LIMITS.maxFiles + MAX_UPLOAD_FIELDS,
    fieldSize: 64 * 1024,
  },
};

/**
 * Credential import routes, each with its antigravity twin:
 * - `POST /auth/upload`, `POST /antigravity/upload`: multipart field `files` with `.json` files
 *   and `.zip` archives. Answers `{uploaded_count, total_count, results, message}`, 400 (same
 *   body) when nothing was stored.
 * - `POST /creds/import-text`, `POST /antigravity/creds/import-text`: JSON `{content,
 *   is_antigravity}`. The antigravity namespace is used when the path starts with
 *   `/antigravity/` OR `is_antigravity` is true. Answers `{success, imported, skipped, errors,
 *   results, message}`, 400 (same body) when nothing was imported.
 *
 * Both answers list every offered credential, 100,000 for a large archive: they are written as
 * the client reads them, never built whole.
 */
@Controller()
export class CredentialImportController {
  constructor(private readonly imports: CredentialImportService) {}

  @Post(['auth/upload', 'antigravity/upload'])
  @HttpCode(200)
  @UseFilters(UploadErrorsFilter)
  @UseInterceptors(FilesInterceptor('files', IMPORT_LIMITS.maxFiles, uploadOptions))
  async upload(
    @Req() req: { path: string },
    @UploadedFiles() files: UploadedCredentialFile[] | undefined,
  ) {
    try {
      const report = await this.imports.upload(namespaceOfPath(req.path), files ?? []);
      return importAnswer(report.uploaded_count, report);
    } finally {
      removeUploadedFiles(files ?? []);
    }
  }

  @Post(withTwin('creds/import-text'))
  @HttpCode(200)
  @JsonBody(IMPORT_TEXT_BODY)
  async importText(@Req() req: { path: string }, @Body() body: unknown) {
    const report = await this.imports.importText(namespaceOfPath(req.path), body);
    return importAnswer(report.imported, report);
  }
}

/** An import that stored nothing failed: 400, with the same body (and its status) as a 200. */
function importAnswer(stored: number, body: object): Response {
  if (stored > 0) return jsonAnswer(HttpStatus.OK, body);
  return jsonAnswer(HttpStatus.BAD_REQUEST, { statusCode: HttpStatus.BAD_REQUEST, ...body });
}
