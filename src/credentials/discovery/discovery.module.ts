import { Module } from '@nestjs/common';
import { UpstreamModule } from '../../upstream/upstream.module';
import { GoogleAccountClient } from './google-account.client';
import { ProjectDiscovery } from './project-discovery.service';

/** Account-level Google calls: e-mail, project discovery (used by sign-in, import and checks). */
@Module({
  imports: [UpstreamModule],
  providers: [GoogleAccountClient, ProjectDiscovery],
  exports: [GoogleAccountClient, ProjectDiscovery],
})
export class DiscoveryModule {}
