import { Module } from '@nestjs/common';
import { CodeAssistClient } from './code-assist.client';
import { UpstreamHttp } from './upstream-http.service';

/** Google's endpoints, over one shared connection pool. */
@Module({ providers: [UpstreamHttp, CodeAssistClient], exports: [UpstreamHttp, CodeAssistClient] })
export class UpstreamModule {}
