import { Module } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { DiscoveryModule } from '../discovery/discovery.module';
import { CallbackListener } from './callback-listener';
import { SigninController } from './signin.controller';
import { SigninFlows } from './signin-flows.service';
import { SigninWaiter } from './signin-waiter.service';

/** "Sign in with Google": the add-credential flow, its callback listener and paste mode. */
@Module({
  imports: [DiscoveryModule],
  controllers: [SigninController],
  providers: [SigninFlows, SigninWaiter, CallbackListener, Clock],
})
export class SigninModule {}
