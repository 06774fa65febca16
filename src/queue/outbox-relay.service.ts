import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import { Database } from '../database/database.service';
import { JobName, JobPayloads } from './jobs';
import { OutboxRecord } from './outbox.entity';
import { QueueService } from './queue.service';
import { bulkInsert } from '../database/sql';

const POLL_MS = 1000;
const BATCH = 200;

/**
 * Moves outbox records into BullMQ. Requests only write the outbox (in their own transaction) and
 * nudge this relay; they never wait on Redis. Relaying twice is harmless: job ids are deterministic.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly queues: QueueService,
    private readonly clock: Clock,
  ) {}

  /** Writes a record in the caller's transaction; call nudge() after the commit. */
  static enqueue<N extends JobName>(em: EntityManager, now: Date, name: N, payload: JobPayloads[N], jobId: string, runAt: Date | null = null): Promise<void> {
    return OutboxRelay.enqueueMany(em, now, [{ name, payload, jobId, runAt }]);
  }

  /** Several jobs in one statement. */
  static async enqueueMany<N extends JobName>(em: EntityManager, now: Date, jobs: { name: N; payload: JobPayloads[N]; jobId: string; runAt: Date | null }[]): Promise<void> {
    await bulkInsert(
      em,
      OutboxRecord,
      jobs.map((j) => ({ jobName: j.name, jobId: j.jobId, payload: j.payload as Record<string, number>, runAt: j.runAt, createdAt: now, relayedAt: null, attempts: 0 })),
    );
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.nudge(), POLL_MS);
    this.timer.unref();
    this.nudge();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Relay soon; never throws, never blocks the caller. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      .catch((err: Error) => this.logger.warn(`Outbox relay round failed: ${err.name}`))
      .finally(() => {
        this.running = null;
      });
  }

  /** Relays until the outbox is empty or Redis stops answering; returns how many were relayed. */
  async relayAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayBatch();
      total += n;
      if (n < BATCH) return total;
    }
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.relayAll();
    } while (this.again && !this.stopped);
  }

  private async relayBatch(): Promise<number> {
    if (!this.queues.ready) return 0;
    const rows = await this.db.manager.find(OutboxRecord, { where: { relayedAt: IsNull() }, order: { id: 'ASC' }, take: BATCH });
    if (rows.length === 0) return 0;
    const done: number[] = [];
    let failed: OutboxRecord | null = null;
    for (const row of rows) {
      try {
        const delay = row.runAt ? row.runAt.getTime() - this.clock.now().getTime() : 0;
        await this.queues.add(row.jobName as JobName, row.payload as never, row.jobId, delay);
        done.push(row.id);
      } catch {
        // Redis is gone again; the rest waits for the next round.
        failed = row;
        break;
      }
    }
    const now = this.clock.now();
    await this.db.transaction(async (em) => {
      for (let i = 0; i < done.length; i += 500) {
        await em.update(OutboxRecord, { id: In(done.slice(i, i + 500)) }, { relayedAt: now });
      }
      if (failed) await em.increment(OutboxRecord, { id: failed.id }, 'attempts', 1);
    });
    return failed ? 0 : done.length;
  }

  async unrelayedCount(): Promise<number> {
    return this.db.manager.count(OutboxRecord, { where: { relayedAt: IsNull() } });
  }
}
