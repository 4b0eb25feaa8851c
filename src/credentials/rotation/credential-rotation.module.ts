import { Module } from '@nestjs/common';
import { Timers } from '../../common/timers';
import { UpstreamModule } from '../../upstream/upstream.module';
import { DiscoveryModule } from '../discovery/discovery.module';
import { CredentialPool } from './credential-pool.service';
import { CredentialRotation } from './credential-rotation.service';
import { ResultRecorder } from './result-recorder.service';
import { TokenRefresher } from './token-refresher.service';

/**
 * The per-request hot path: CredentialPool.acquire() hands out a credential with a working token,
 * CredentialRotation picks and records results (ResultRecorder keeps them while storage is
 * away), TokenRefresher refreshes access tokens.
 */
@Module({
  imports: [UpstreamModule, DiscoveryModule],
  providers: [CredentialRotation, TokenRefresher, CredentialPool, ResultRecorder, Timers],
  exports: [CredentialRotation, TokenRefresher, CredentialPool, ResultRecorder],
})
export class CredentialRotationModule {}
