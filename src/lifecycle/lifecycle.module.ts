import { Global, Module } from '@nestjs/common';
import { InFlightRequests } from './in-flight-requests';

/** What the gateway's orderly shutdown needs inside the app: the count of requests in flight. */
@Global()
@Module({ providers: [InFlightRequests], exports: [InFlightRequests] })
export class LifecycleModule {}
