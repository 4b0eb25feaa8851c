import { Readable } from 'node:stream';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  StreamableFile,
  UsePipes,
} from '@nestjs/common';
import { JsonBody } from '../../common/json-body.guard';
import { schemaValidationPipe } from '../../common/schema-validation.pipe';
import { IMPORT_TEXT_BODY } from '../import/import.constants';
import type { Namespace } from '../../storage/storage-backend.interface';
import { withTwin } from '../namespace';
import { CredentialNamespace } from './credential-admin.decorators';
import {
  actionBodySchema,
  batchBodySchema,
  statusQuerySchema,
  type ActionBody,
  type BatchBody,
  type StatusQuery,
} from './credential-admin.schema';
import { batchResultView } from './batch-result.view';
import { CredentialAdminService } from './credential-admin.service';
import { CredentialDedupeService } from './credential-dedupe.service';
import {
  attachmentDisposition,
  credentialFileContent,
  credentialFileName,
} from './credential-files';

const ARCHIVE_NAME: Record<Namespace, string> = {
  geminicli: 'credentials.zip',
  antigravity: 'antigravity_credentials.zip',
};

/**
 * The admin routes that manage stored credentials, each also under `/antigravity/...` for that
 * namespace. The listing never carries secrets; detail and downloads do, on purpose.
 */
@Controller()
@UsePipes(schemaValidationPipe)
export class CredentialAdminController {
  constructor(
    private readonly admin: CredentialAdminService,
    private readonly deduper: CredentialDedupeService,
  ) {}

  @Get(withTwin('creds/status'))
  status(
    @CredentialNamespace() ns: Namespace,
    @Query({ schema: statusQuerySchema }) query: StatusQuery,
  ) {
    return this.admin.status(ns, query);
  }

  @Get(withTwin('creds/detail/:filename'))
  detail(@CredentialNamespace() ns: Namespace, @Param('filename') filename: string) {
    return this.admin.detail(ns, filename);
  }

  @Get(withTwin('creds/download/:filename'))
  async download(@CredentialNamespace() ns: Namespace, @Param('filename') filename: string) {
    const data = await this.admin.content(ns, filename);
    return new StreamableFile(credentialFileContent(data), {
      type: 'application/json; charset=utf-8',
      disposition: attachmentDisposition(credentialFileName(filename)),
    });
  }

  @Get(withTwin('creds/download-all'))
  async downloadAll(@CredentialNamespace() ns: Namespace) {
    const zip = await this.admin.archive(ns);
    if (!zip) throw new NotFoundException(`There are no ${ns} credentials to download`);
    return new StreamableFile(Readable.from(zip), {
      type: 'application/zip',
      disposition: attachmentDisposition(ARCHIVE_NAME[ns]),
    });
  }

  @Post(withTwin('creds/action'))
  @HttpCode(200)
  action(
    @CredentialNamespace() ns: Namespace,
    @Body({ schema: actionBodySchema }) body: ActionBody,
  ) {
    return this.admin.act(ns, body.filename, body.action);
  }

  @Post(withTwin('creds/batch-action'))
  @HttpCode(200)
  @JsonBody(IMPORT_TEXT_BODY)
  async batchAction(
    @CredentialNamespace() ns: Namespace,
    @Body({ schema: batchBodySchema }) body: BatchBody,
  ) {
    return batchResultView(ns, await this.admin.batch(ns, body.action, body.filenames));
  }

  @Post(withTwin('creds/dedupe'))
  @HttpCode(200)
  dedupe(@CredentialNamespace() ns: Namespace) {
    return this.deduper.dedupe(ns);
  }
}
