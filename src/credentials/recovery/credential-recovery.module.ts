import { Module } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { DiscoveryModule } from '../discovery/discovery.module';
import { CredentialRotationModule } from '../rotation/credential-rotation.module';
import { CredentialProbe } from './credential-probe.service';
import { CredentialRecovery } from './credential-recovery.service';

/** The background recovery job: half-open probes and proactive token refresh. */
@Module({
  imports: [CredentialRotationModule, DiscoveryModule],
  providers: [CredentialRecovery, CredentialProbe, Clock],
  exports: [CredentialRecovery],
})
export class CredentialRecoveryModule {}
