import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { instant } from '../database/columns';

/**
 * A pre-printed complaint-box slip (issue 15): a reference taken from the city's counter and the
 * keyed hash of a tracking code that exists only on the printed slip. Staff intake binds a
 * complaint to it once (`usedAt`, `complaintId`); after `expiresAt` an unused slip is refused.
 * Statistics never read this table: they count complaints.
 */
@Entity('slips')
export class Slip {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  reference: string;

  @Column({ type: 'integer', name: 'city_id' })
  cityId: number;

  @Column({ type: 'integer', name: 'facility_id', nullable: true })
  facilityId: number | null;

  @Column({ type: 'varchar', length: 64, name: 'code_hash' })
  codeHash: string;

  /** Random id of the printed batch; the audit event names it. */
  @Index('idx_slips_batch')
  @Column({ type: 'varchar', length: 36, name: 'batch_id' })
  batchId: string;

  @Column({ type: 'integer', name: 'issued_by', nullable: true })
  issuedBy: number | null;

  @Column(instant({ name: 'issued_at' }))
  issuedAt: Date;

  @Column(instant({ name: 'expires_at' }))
  expiresAt: Date;

  @Column(instant({ name: 'used_at', nullable: true }))
  usedAt: Date | null;

  @Column({ type: 'integer', name: 'complaint_id', nullable: true })
  complaintId: number | null;
}
