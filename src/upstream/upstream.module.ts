import { Module } from '@nestjs/common';
import { AntigravityClient } from './antigravity.client';
import { CodeAssistClient } from './code-assist.client';
import { UpstreamHttp } from './upstream-http.service';

/** Google's endpoints, over one shared connection pool. */
@Module({
  providers: [UpstreamHttp, CodeAssistClient, AntigravityClient],
  exports: [UpstreamHttp, CodeAssistClient, AntigravityClient],
})
export class UpstreamModule {}
