import { Module } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { UpstreamModule } from '../../upstream/upstream.module';
import { GoogleAccountClient } from './google-account.client';
import { ProjectDiscovery } from './project-discovery.service';
import { ProjectOnUse } from './project-on-use.service';

/** Account-level Google calls: e-mail, project discovery (used by sign-in, import and checks). */
@Module({
  imports: [UpstreamModule],
  providers: [GoogleAccountClient, ProjectDiscovery, ProjectOnUse, Clock],
  exports: [GoogleAccountClient, ProjectDiscovery, ProjectOnUse, Clock],
})
export class DiscoveryModule {}
