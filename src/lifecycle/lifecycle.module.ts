import { Global, Module } from '@nestjs/common';
import { Timers } from '../common/timers';
import { IdleHeapCompactor } from './idle-heap-compactor';
import { InFlightRequests } from './in-flight-requests';

/**
 * What the gateway's orderly shutdown needs inside the app (the count of requests in flight), and
 * the compactor that gives memory back once a burst of requests is over.
 */
@Global()
@Module({
  providers: [InFlightRequests, Timers, IdleHeapCompactor],
  exports: [InFlightRequests],
})
export class LifecycleModule {}
