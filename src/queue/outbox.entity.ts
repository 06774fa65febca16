import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant, jsonText } from '../database/columns';

/**
 * A job to hand to BullMQ, written in the same transaction as the change that needs it; the relay
 * moves it to Redis when Redis answers. Payloads hold ids only.
 */
@Entity('outbox')
export class OutboxRecord {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, name: 'job_name' })
  jobName: string;

  /** Deterministic BullMQ job id (no ':' and not all digits) so relaying twice adds one job. */
  @Column({ type: 'varchar', length: 128, name: 'job_id' })
  jobId: string;

  @Column({ type: 'text', transformer: jsonText })
  payload: Record<string, number | string>;

  /** Run no earlier than this (delayed job); null for now. */
  @Column(instant({ name: 'run_at', nullable: true }))
  runAt: Date | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column(instant({ name: 'relayed_at', nullable: true }))
  relayedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;
}
