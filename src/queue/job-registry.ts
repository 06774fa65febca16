import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JOB_QUEUE, JobName, JobPayloads, PERIODIC_JOBS } from './jobs';

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], job?: Job) => Promise<unknown>;

/** What a periodic job did, by figure (merged over every job by `Sweeps.run`). */
export type SweepReport = Record<string, number | boolean>;

/**
 * Features register the handler for their job names here; the workers dispatch by name. Keeps the
 * queue layer free of feature imports (features depend on the queue, never the reverse). Every
 * job name has exactly one handler: a second registration throws, and `assertComplete` (at start)
 * names any job without one.
 */
@Injectable()
export class JobRegistry {
  private readonly handlers = new Map<JobName, JobHandler<any>>();

  register<N extends JobName>(name: N, handler: JobHandler<N>): void {
    if (this.handlers.has(name)) throw new Error(`Job ${name} has two handlers; each job name takes exactly one`);
    this.handlers.set(name, handler);
  }

  get(name: string): JobHandler<any> | undefined {
    return this.handlers.get(name as JobName);
  }

  assertComplete(): void {
    const missing = (Object.keys(JOB_QUEUE) as JobName[]).filter((n) => !this.handlers.has(n));
    if (missing.length) throw new Error(`No handler for job ${missing.join(', ')}: register one in its feature module`);
  }

  /** Every periodic job once, in order, with their reports merged (tests and operators call this). */
  async runPeriodic(): Promise<SweepReport> {
    const report: SweepReport = {};
    for (const { name } of PERIODIC_JOBS) Object.assign(report, await this.handlers.get(name)!({}));
    return report;
  }
}
