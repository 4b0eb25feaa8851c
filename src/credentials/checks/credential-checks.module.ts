import { Module } from '@nestjs/common';
import { DiscoveryModule } from '../discovery/discovery.module';
import { CredentialRotationModule } from '../rotation/credential-rotation.module';
import { CredentialChecksController } from './credential-checks.controller';
import { CredentialChecks } from './credential-checks.service';

/** verify-project, fetch-email, refresh-all-emails, and the discovery imports run. */
@Module({
  imports: [CredentialRotationModule, DiscoveryModule],
  controllers: [CredentialChecksController],
  providers: [CredentialChecks],
  exports: [CredentialChecks],
})
export class CredentialChecksModule {}
