import type { JobsOptions } from 'bullmq';

/**
 * Every queue, job name and payload in one place. Payloads carry ids only: job data sits in Redis
 * in clear text.
 */
export const MAIL_QUEUE = 'mail';
export const SWEEP_QUEUE = 'sweep';
export const QUEUE_NAMES = [MAIL_QUEUE, SWEEP_QUEUE] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /** Send one row of mail_sends. */
  'mail.send': { mailSendId: number };
  /** Reminders, breaches, lost jobs, council reminders, contact erasure. */
  'sweep.run': Record<string, never>;
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  'mail.send': MAIL_QUEUE,
  'sweep.run': SWEEP_QUEUE,
};

/** The one job scheduler: the sweep runs every minute on whichever worker takes it. */
export const SWEEP_SCHEDULER_ID = 'sla-sweep';
export const SWEEP_EVERY_MS = 60_000;

/** Retries for transient failures (SMTP 4xx, connection errors, Redis hiccups). */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600, count: 5000 },
};

/** BullMQ refuses custom ids with ':' and all-digit ids (those collide with its own counters). */
export function safeJobId(raw: string): string {
  const id = raw.replace(/:/g, '-');
  return /^\d+$/.test(id) ? `j-${id}` : id;
}
