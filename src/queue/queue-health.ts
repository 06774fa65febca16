import { Injectable } from '@nestjs/common';
import { HealthContributor } from '../health/health-contributor';
import { OutboxRelay } from './outbox-relay.service';
import { QueueService } from './queue.service';

/** Adds job counts per queue and the outbox backlog to /health. */
@Injectable()
export class QueueHealth implements HealthContributor {
  readonly name = 'queues';

  constructor(
    private readonly queues: QueueService,
    private readonly relay: OutboxRelay,
  ) {}

  async report(): Promise<unknown> {
    const outbox = { unrelayed: await this.relay.unrelayedCount() };
    const counts = this.queues.ready ? await this.queues.counts().catch(() => null) : null;
    return { status: counts ? 'up' : 'down', outbox, jobs: counts };
  }
}
