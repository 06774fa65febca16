import { Module, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from './job-registry';
import { OutboxRelay } from './outbox-relay.service';
import { QueueDashboard } from './queue-dashboard';
import { QueueHealth } from './queue-health';
import { QueueWorkers } from './queue-workers.service';
import { QueueService } from './queue.service';

/**
 * BullMQ plumbing: producer, outbox relay, workers, the admin dashboard and health figures.
 * Imported by features (for the relay and job registry) and by health; Nest keeps one instance.
 */
@Module({
  providers: [QueueService, OutboxRelay, JobRegistry, QueueWorkers, QueueDashboard, QueueHealth],
  exports: [QueueService, OutboxRelay, JobRegistry, QueueHealth],
})
export class QueueModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.registry.register('outbox.prune', () => this.relay.prune());
  }
}
