import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CredentialRotationModule } from '../credentials/rotation/credential-rotation.module';
import { HealthController } from './health.controller';
import { ResultsHealthIndicator } from './results.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), CredentialRotationModule],
  controllers: [HealthController],
  providers: [ResultsHealthIndicator],
})
export class HealthModule {}
