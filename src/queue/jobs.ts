import type { JobsOptions } from 'bullmq';

/**
 * Every queue, job name and payload in one place. Payloads carry ids only: job data sits in Redis
 * in clear text.
 */
export const MAIL_QUEUE = 'mail';
export const SWEEP_QUEUE = 'sweep';
/** Its own queue: only processes with BACKUP_SCHEDULE set run a worker for it (see QueueWorkers). */
export const BACKUP_QUEUE = 'backup';
export const QUEUE_NAMES = [MAIL_QUEUE, SWEEP_QUEUE, BACKUP_QUEUE] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /** Send one row of mail_sends. */
  'mail.send': { mailSendId: number };
  /** Send one row of telegram_sends (neutral news to a chat that asked for it). */
  'telegram.send': { telegramSendId: number };
  /** Escalations past their due date → overdue and the next rung; those whose complaint moved on → superseded. */
  'sla.sweep': Record<string, never>;
  /** Council terms ending in 60 and 30 days, and vacant seats. */
  'councils.reminders': Record<string, never>;
  /** Contact details of complaints closed longer than the retention period are erased. */
  'retention.sweep': Record<string, never>;
  /** Mail steps due by the database whose jobs Redis lost. */
  'mail.reconcile': Record<string, never>;
  /** Relayed outbox records older than a week are deleted. */
  'outbox.prune': Record<string, never>;
  /** An encrypted online backup into BACKUP_DIR (BACKUP_SCHEDULE), then pruning to BACKUP_KEEP. */
  'backup.run': Record<string, never>;
  /** Telegram conversations idle for 30 minutes are deleted. */
  'telegram.purge': Record<string, never>;
  /** Ended staff sessions, expired login steps and login-failure counters past their window are deleted. */
  'auth.prune': Record<string, never>;
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  'mail.send': MAIL_QUEUE,
  'telegram.send': MAIL_QUEUE,
  'sla.sweep': SWEEP_QUEUE,
  'councils.reminders': SWEEP_QUEUE,
  'retention.sweep': SWEEP_QUEUE,
  'mail.reconcile': SWEEP_QUEUE,
  'outbox.prune': SWEEP_QUEUE,
  'backup.run': BACKUP_QUEUE,
  'telegram.purge': SWEEP_QUEUE,
  'auth.prune': SWEEP_QUEUE,
};

/**
 * The periodic jobs, in the order a full sweep runs them (the reconcile after the jobs that
 * schedule mail). One BullMQ job scheduler each, shared by every instance, so each runs once per
 * period whatever the number of processes. 'sweep': every SWEEP_EVERY_SECONDS (a minute by
 * default); 'hour': hourly. `backup.run` is periodic too, but on its own
 * schedule (BACKUP_SCHEDULE, a cron pattern) and queue, and not part of a full sweep.
 */
export const PERIODIC_JOBS: { name: Exclude<JobName, 'mail.send' | 'backup.run' | 'telegram.send'>; every: 'sweep' | 'hour' }[] = [
  { name: 'sla.sweep', every: 'sweep' },
  { name: 'councils.reminders', every: 'sweep' },
  { name: 'retention.sweep', every: 'hour' },
  { name: 'mail.reconcile', every: 'sweep' },
  { name: 'outbox.prune', every: 'hour' },
  { name: 'telegram.purge', every: 'sweep' },
  { name: 'auth.prune', every: 'hour' },
];

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
