import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueHealth } from '../queue/queue-health';
import { QueueModule } from '../queue/queue.module';
import { HEALTH_CONTRIBUTORS } from './health-contributor';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule, QueueModule],
  controllers: [HealthController],
  providers: [{ provide: HEALTH_CONTRIBUTORS, inject: [QueueHealth], useFactory: (queues: QueueHealth) => [queues] }],
})
export class HealthModule {}
