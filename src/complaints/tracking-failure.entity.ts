import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns';

/**
 * Wrong tracking codes per reference and client (whether or not the reference exists, so the
 * limit itself reveals nothing). The client is a keyed hash of its address (a /64 for IPv6), never
 * the address. Kept in the database so a restart does not reset a guesser; purged a day after
 * the last failure.
 */
@Entity('tracking_failures')
export class TrackingFailure {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  reference: string;

  @PrimaryColumn({ type: 'varchar', length: 64, name: 'client_key' })
  clientKey: string;

  @Column({ type: 'integer' })
  count: number;

  @Column({ type: 'bigint', name: 'last_failure_at', transformer: bigintNumber })
  lastFailureAt: number;
}
