import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { withTimeout } from '../common/timeout';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, JobName, JobPayloads, QUEUE_NAMES, QueueName, safeJobId } from './jobs';

/** No Redis call may hang a caller: ioredis and BullMQ wait while disconnected. */
export const REDIS_CALL_TIMEOUT_MS = 2000;

/** ioredis options for BullMQ connections; workers need maxRetriesPerRequest: null. */
export function bullConnection(config: AppConfig, forWorker: boolean): Redis {
  return new Redis(config.redisUrl, {
    maxRetriesPerRequest: forWorker ? null : 1,
    enableOfflineQueue: forWorker,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  });
}

/** Logs a connection's first error after each recovery, not one line per reconnect attempt. */
export function quietErrors(emitter: { on(event: 'error', fn: (err: Error) => void): unknown }, logger: Logger, what: string): void {
  let last = 0;
  emitter.on('error', (err: Error) => {
    const now = Date.now();
    if (now - last > 30_000) logger.warn(`${what}: ${err.message}`);
    last = now;
  });
}

/** Producer side of BullMQ: one shared connection, every call bounded by a timeout. */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = bullConnection(config, false);
    quietErrors(this.connection, this.logger, 'Redis for queues unavailable');
  }

  /** True when the producer connection can take commands now (the relay skips a round otherwise). */
  get ready(): boolean {
    return this.connection.status === 'ready';
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      quietErrors(q, this.logger, `Queue ${name}`);
      this.queues.set(name, q);
    }
    return q;
  }

  allQueues(): Queue[] {
    return QUEUE_NAMES.map((n) => this.queue(n));
  }

  /** Adds a job under a deterministic id (a second add with the same id is a no-op while the job exists). */
  async add<N extends JobName>(name: N, payload: JobPayloads[N], jobId: string, delayMs = 0): Promise<void> {
    const q = this.queue(JOB_QUEUE[name]);
    await withTimeout(q.add(name, payload, { jobId: safeJobId(jobId), delay: Math.max(0, delayMs) }), REDIS_CALL_TIMEOUT_MS, `queue.add ${name}`);
  }

  /**
   * Makes sure a job for `jobId` will run soon: adds it when missing (lost in a Redis flush, or
   * finished without doing the work), re-adds it when it ended, promotes it when it waits far ahead.
   */
  async ensure<N extends JobName>(name: N, payload: JobPayloads[N], jobId: string): Promise<'added' | 'promoted' | 'present'> {
    const q = this.queue(JOB_QUEUE[name]);
    const id = safeJobId(jobId);
    const job: Job | undefined = await withTimeout(q.getJob(id), REDIS_CALL_TIMEOUT_MS, 'queue.getJob');
    if (job) {
      const state = await withTimeout(job.getState(), REDIS_CALL_TIMEOUT_MS, 'job.getState');
      if (state === 'completed' || state === 'failed') {
        await withTimeout(job.remove(), REDIS_CALL_TIMEOUT_MS, 'job.remove');
      } else if (state === 'delayed') {
        // Backoff retries are short; only a job scheduled well ahead of its due time is pulled in.
        if (job.timestamp + (job.delay ?? 0) > Date.now() + 60_000) {
          await withTimeout(job.promote(), REDIS_CALL_TIMEOUT_MS, 'job.promote');
          return 'promoted';
        }
        return 'present';
      } else if (state !== 'unknown') {
        return 'present';
      }
    }
    await withTimeout(q.add(name, payload, { jobId: id }), REDIS_CALL_TIMEOUT_MS, `queue.add ${name}`);
    return 'added';
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const q of this.allQueues()) {
      out[q.name] = await withTimeout(
        q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'),
        REDIS_CALL_TIMEOUT_MS,
        'queue counts',
      );
    }
    return out;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const q of this.queues.values()) await withTimeout(q.close(), 2000, 'queue.close').catch(() => undefined);
    this.connection.disconnect();
  }
}
