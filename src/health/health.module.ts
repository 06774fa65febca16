import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_CONTRIBUTORS } from './health-contributor';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [{ provide: HEALTH_CONTRIBUTORS, useValue: [] }],
})
export class HealthModule {}
