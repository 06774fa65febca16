import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { MetricsPort } from './metrics-port.service';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

/** GET /metrics (Prometheus): on the main port for admins, or on METRICS_PORT (loopback, no login). */
@Module({
  imports: [QueueModule],
  controllers: [MetricsController],
  providers: [MetricsRepository, MetricsService, MetricsPort],
  exports: [MetricsService],
})
export class MetricsModule {}
