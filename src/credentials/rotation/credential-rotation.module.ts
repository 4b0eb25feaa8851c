import { Module } from '@nestjs/common';
import { UpstreamModule } from '../../upstream/upstream.module';
import { DiscoveryModule } from '../discovery/discovery.module';
import { CredentialPool } from './credential-pool.service';
import { CredentialRotation } from './credential-rotation.service';
import { TokenRefresher } from './token-refresher.service';

/**
 * The per-request hot path: CredentialPool.acquire() hands out a credential with a working token,
 * CredentialRotation picks and records results, TokenRefresher refreshes access tokens.
 */
@Module({
  imports: [UpstreamModule, DiscoveryModule],
  providers: [CredentialRotation, TokenRefresher, CredentialPool],
  exports: [CredentialRotation, TokenRefresher, CredentialPool],
})
export class CredentialRotationModule {}
