import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { withTimeout } from '../common/timeout';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JobRegistry } from './job-registry';
import { BACKUP_QUEUE, MAIL_QUEUE, PERIODIC_JOBS, SWEEP_QUEUE } from './jobs';
import { bullConnection, QueueService, quietErrors, REDIS_CALL_TIMEOUT_MS } from './queue.service';

/** Active jobs get this long to finish on shutdown; then workers are closed by force. */
export const WORKER_SHUTDOWN_LIMIT_MS = 10_000;

/**
 * Runs the BullMQ workers in this process when config.worker is 'inline' (the API process by
 * default, and always in `npm run worker`). With 'off' the API only produces jobs.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Workers');
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];
  private schedulerTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly queues: QueueService,
  ) {}

  get enabled(): boolean {
    return this.config.worker === 'inline';
  }

  onApplicationBootstrap(): void {
    // Every feature has registered its handlers by now (onModuleInit); a job without one stops start-up.
    this.registry.assertComplete();
    if (!this.enabled) return;
    // Mail jobs take milliseconds; a short lock lets a crashed worker's jobs come back quickly.
    this.start(MAIL_QUEUE, 10, 10_000);
    this.start(SWEEP_QUEUE, 1, 60_000);
    // Only where BACKUP_SCHEDULE is set: a backup is written by the process that runs it, to its
    // BACKUP_DIR. On SQLite that is a process on the machine holding the database file (it opens
    // the file itself); on PostgreSQL, the machine whose disk should hold the backups. Other
    // processes neither schedule nor take the job, so it cannot land where the data is not.
    if (this.config.backup.schedule) this.start(BACKUP_QUEUE, 1, 60_000);
    void this.ensureScheduler();
  }

  private start(queue: string, concurrency: number, lockDuration: number): void {
    const connection = bullConnection(this.config, true);
    quietErrors(connection, this.logger, `Redis for ${queue} worker unavailable`);
    this.connections.push(connection);
    const worker = new Worker(queue, (job) => this.process(job), {
      connection,
      prefix: this.config.queuePrefix,
      concurrency,
      lockDuration,
      stalledInterval: Math.min(lockDuration, 30_000) / 2,
      autorun: true,
    });
    quietErrors(worker, this.logger, `Worker ${queue}`);
    worker.on('failed', (job, err) => {
      // Ids and error class only: messages can quote addresses or data.
      if (job) this.logger.warn(`Job ${job.name} ${job.id} attempt ${job.attemptsMade} failed: ${err.name}`);
    });
    this.workers.push(worker);
  }

  private async process(job: Job): Promise<void> {
    const handler = this.registry.get(job.name);
    if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
    await handler(job.data, job);
  }

  /**
   * One scheduler id per periodic job, shared by every instance, so each runs once per period.
   * Upserted again every minute: a Redis flush or restart without persistence drops schedulers,
   * and the database's deadlines depend on the sweeps.
   */
  private async ensureScheduler(): Promise<void> {
    if (this.stopped) return;
    let retryIn = 60_000;
    try {
      // Before the sweep was split into one job per concern, one scheduler ran them all.
      await withTimeout(this.queues.queue(SWEEP_QUEUE).removeJobScheduler('sla-sweep'), REDIS_CALL_TIMEOUT_MS, 'removeJobScheduler');
      for (const { name, every } of PERIODIC_JOBS) {
        const everyMs = every === 'hour' ? 3_600_000 : this.config.sweepEverySeconds * 1000;
        await withTimeout(
          this.queues.queue(SWEEP_QUEUE).upsertJobScheduler(name, { every: everyMs }, { name, data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } }),
          REDIS_CALL_TIMEOUT_MS,
          'upsertJobScheduler',
        );
      }
      const backup = this.config.backup.schedule;
      if (backup) {
        await withTimeout(
          this.queues
            .queue(BACKUP_QUEUE)
            .upsertJobScheduler('backup.run', { pattern: backup, tz: this.config.timeZone }, { name: 'backup.run', data: {}, opts: { attempts: 1, removeOnComplete: 30, removeOnFail: 30 } }),
          REDIS_CALL_TIMEOUT_MS,
          'upsertJobScheduler',
        );
      }
    } catch {
      retryIn = 5000;
    }
    if (this.stopped) return;
    this.schedulerTimer = setTimeout(() => void this.ensureScheduler(), retryIn);
    this.schedulerTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.schedulerTimer) clearTimeout(this.schedulerTimer);
    // worker.close() waits for active jobs without a limit: give them WORKER_SHUTDOWN_LIMIT_MS.
    await Promise.all(
      this.workers.map((w) =>
        withTimeout(w.close(), WORKER_SHUTDOWN_LIMIT_MS, 'worker.close').catch(() => withTimeout(w.close(true), 2000, 'worker.close(force)').catch(() => undefined)),
      ),
    );
    for (const c of this.connections) c.disconnect();
  }
}
