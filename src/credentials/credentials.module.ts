import { Module } from '@nestjs/common';
import { CredentialAdminModule } from './admin/credential-admin.module';
import { CredentialChecksModule } from './checks/credential-checks.module';
import { CredentialImportModule } from './import/credential-import.module';
import { CredentialRecoveryModule } from './recovery/credential-recovery.module';
import { CredentialRotationModule } from './rotation/credential-rotation.module';
import { SigninModule } from './signin/signin.module';

/** Credentials: sign-in, import, manage, and the per-request rotation with token refresh. */
@Module({
  imports: [
    CredentialImportModule,
    CredentialAdminModule,
    CredentialRotationModule,
    SigninModule,
    CredentialChecksModule,
    CredentialRecoveryModule,
  ],
  exports: [CredentialRotationModule],
})
export class CredentialsModule {}
