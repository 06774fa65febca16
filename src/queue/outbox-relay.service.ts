import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { In, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import { Database } from '../database/database.service';
import { Many, many, UnitOfWork } from '../database/unit-of-work';
import { JobName, JobPayloads } from './jobs';
import { OutboxRecord } from './outbox.entity';
import { QueueService } from './queue.service';

const POLL_MS = 1000;
const BATCH = 200;
/** Relayed outbox records are kept this long for inspection, then deleted. */
const OUTBOX_KEEP_MS = 7 * 86_400_000;

export interface OutboxJob<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Deterministic, so relaying twice adds one job. */
  jobId: string;
  /** Not before this instant (a delayed job); null for now. */
  runAt: Date | null;
}

/** Jobs written with the caller's unit of work; the relay hands them to Redis after the commit. */
export function enqueue(uow: UnitOfWork, jobs: Many<OutboxJob>): void {
  uow.append(
    OutboxRecord,
    many(jobs).map((j) => ({ jobName: j.name, jobId: j.jobId, payload: j.payload as Record<string, number>, runAt: j.runAt, createdAt: uow.now, relayedAt: null, attempts: 0 })),
  );
}

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
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      for (let i = 0; i < done.length; i += 500) {
        await em.update(OutboxRecord, { id: In(done.slice(i, i + 500)) }, { relayedAt: now });
      }
      if (failed) await em.increment(OutboxRecord, { id: failed.id }, 'attempts', 1);
    });
    return failed ? 0 : done.length;
  }

  /** Deletes relayed records older than a week (the periodic job `outbox.prune`). */
  async prune(): Promise<{ outboxPruned: number }> {
    const cutoff = this.clock.now().getTime() - OUTBOX_KEEP_MS;
    const res = await this.db.transaction(({ em }) =>
      em.createQueryBuilder().delete().from(OutboxRecord).where('relayed_at IS NOT NULL AND relayed_at < :cutoff', { cutoff }).execute(),
    );
    return { outboxPruned: res.affected ?? 0 };
  }

  async unrelayedCount(): Promise<number> {
    return this.db.manager.count(OutboxRecord, { where: { relayedAt: IsNull() } });
  }
}
