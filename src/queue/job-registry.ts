import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from './jobs';

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], job: Job) => Promise<void>;

/**
 * Features register the handler for their job names here; the workers dispatch by name. Keeps the
 * queue layer free of feature imports (features depend on the queue, never the reverse).
 */
@Injectable()
export class JobRegistry {
  private readonly handlers = new Map<JobName, JobHandler<any>>();

  register<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.handlers.set(name, handler);
  }

  get(name: string): JobHandler<any> | undefined {
    return this.handlers.get(name as JobName);
  }
}
