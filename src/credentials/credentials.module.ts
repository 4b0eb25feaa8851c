import { Module } from '@nestjs/common';
import { CredentialAdminModule } from './admin/credential-admin.module';
import { CredentialImportModule } from './import/credential-import.module';
import { CredentialRotationModule } from './rotation/credential-rotation.module';

/** Credentials: import, manage, and the per-request rotation with token refresh. */
@Module({
  imports: [CredentialImportModule, CredentialAdminModule, CredentialRotationModule],
  exports: [CredentialRotationModule],
})
export class CredentialsModule {}
