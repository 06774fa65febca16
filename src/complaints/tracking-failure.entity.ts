import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns';

/**
 * Failed tracking attempts per reference (whether or not the reference exists, so the limit
 * itself reveals nothing). Kept in the database so a restart does not reset a guesser.
 */
@Entity('tracking_failures')
export class TrackingFailure {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  reference: string;

  @Column({ type: 'integer' })
  count: number;

  @Column({ type: 'bigint', name: 'window_start', transformer: bigintNumber })
  windowStart: number;
}
