import {
  BadRequestException,
  Controller,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import type { Namespace, CredentialStore } from '../../storage/storage-backend.interface';
import { InjectCredentialStore } from '../../storage/storage.decorators';
import { mapConcurrent } from '../admin/map-concurrent';
import { CredentialNamespace } from '../admin/credential-admin.decorators';
import { withTwin } from '../namespace';
import {
  CHECK_CONCURRENCY,
  type CheckOutcome,
  CredentialChecks,
} from './credential-checks.service';

/** A failed check as an HTTP error: 404 for an unknown name, else 400 with Google's reason. */
function refuse(outcome: Extract<CheckOutcome, { ok: false }>): never {
  if (outcome.missing) throw new NotFoundException(outcome.message);
  throw new BadRequestException(outcome.message);
}

/**
 * The routes that ask Google about stored credentials, each also under `/antigravity/...`:
 * - `POST /creds/verify-project/{name}` → `{success, filename, project_id, message}`;
 * - `POST /creds/fetch-email/{name}` → `{filename, user_email, message}`;
 * - `POST /creds/refresh-all-emails` → `{success_count, total_count, results[], message}`, a few
 *   credentials at a time.
 */
@Controller()
export class CredentialChecksController {
  constructor(
    private readonly checks: CredentialChecks,
    @InjectCredentialStore() private readonly credentials: CredentialStore,
  ) {}

  @Post(withTwin('creds/verify-project/:filename'))
  @HttpCode(200)
  async verifyProject(@CredentialNamespace() ns: Namespace, @Param('filename') name: string) {
    const outcome = await this.checks.verifyProject(ns, name);
    if (!outcome.ok) refuse(outcome);
    return {
      success: true,
      filename: name,
      project_id: outcome.projectId,
      message: outcome.message,
    };
  }

  @Post(withTwin('creds/fetch-email/:filename'))
  @HttpCode(200)
  async fetchEmail(@CredentialNamespace() ns: Namespace, @Param('filename') name: string) {
    const outcome = await this.checks.fetchEmail(ns, name);
    if (!outcome.ok) refuse(outcome);
    return { filename: name, user_email: outcome.email, message: outcome.message };
  }

  @Post(withTwin('creds/refresh-all-emails'))
  @HttpCode(200)
  async refreshAllEmails(@CredentialNamespace() ns: Namespace) {
    const names = await this.credentials.listCredentialNames(ns);
    const outcomes = await mapConcurrent(names, CHECK_CONCURRENCY, (name) =>
      this.checks.fetchEmail(ns, name),
    );
    const results = names.map((filename, i) => {
      const outcome = outcomes[i];
      return outcome.ok
        ? { filename, success: true, user_email: outcome.email ?? null }
        : { filename, success: false, user_email: null, message: outcome.message };
    });
    const succeeded = results.filter((r) => r.success).length;
    return {
      success_count: succeeded,
      total_count: names.length,
      results,
      message: `E-mail read for ${succeeded} of ${names.length} credentials`,
    };
  }
}
