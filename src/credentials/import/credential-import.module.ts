import { Module } from '@nestjs/common';
import { CredentialChecksModule } from '../checks/credential-checks.module';
import { CredentialImportController } from './credential-import.controller';
import { CredentialImportService } from './credential-import.service';
import { StartupImportService } from './startup-import.service';

/** Credential import: uploads, pasted JSON, and the files of CREDENTIALS_DIR at start-up. */
@Module({
  imports: [CredentialChecksModule],
  controllers: [CredentialImportController],
  providers: [CredentialImportService, StartupImportService],
  exports: [CredentialImportService],
})
export class CredentialImportModule {}
