import { Module } from '@nestjs/common';
import { CredentialChecksModule } from '../checks/credential-checks.module';
import { CredentialAdminController } from './credential-admin.controller';
import { CredentialAdminService } from './credential-admin.service';
import { CredentialDedupeService } from './credential-dedupe.service';

/** Admin routes that list, show, export, enable, disable, delete and dedupe credentials. */
@Module({
  imports: [CredentialChecksModule],
  controllers: [CredentialAdminController],
  providers: [CredentialAdminService, CredentialDedupeService],
})
export class CredentialAdminModule {}
