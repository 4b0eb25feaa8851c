import { Global, Module } from '@nestjs/common';
import { UsageBuffer } from './usage-buffer';
import { UsageController } from './usage.controller';
import { UsageRecorder } from './usage-recorder.service';

/** Usage statistics: the in-memory buffer the request hooks fill, its recorder and the routes. */
@Global()
@Module({
  controllers: [UsageController],
  providers: [{ provide: UsageBuffer, useFactory: () => new UsageBuffer() }, UsageRecorder],
  exports: [UsageBuffer],
})
export class UsageModule {}
