import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';
import type { DeliveryState, ResponseState } from './escalation.constants';

/** A complaint taken to one facility (or authority) at one rung of the ladder. */
@Entity('escalations')
export class Escalation {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'complaint_id' })
  complaintId: number;

  /** The complaint's city, kept here so council-scoped lists need no join. */
  @Column({ type: 'integer', name: 'city_id' })
  cityId: number;

  @Column({ type: 'integer', name: 'facility_id' })
  facilityId: number;

  /** 1 for an escalation a person made; parent rung + 1 when the SLA ladder moves it up. */
  @Column({ type: 'integer' })
  rung: number;

  @Column({ type: 'integer', name: 'parent_escalation_id', nullable: true })
  parentEscalationId: number | null;

  /** Facility-safe text written by the council member; the only case text a facility sees. */
  @Column({ type: 'text' })
  summary: string;

  /**
   * Whether this escalation carries the complainant's identity and contact, decided once by the
   * access policy (consent, the named facility, first rung, not police or an authority).
   */
  @Column({ type: 'boolean', name: 'identity_disclosed', default: false })
  identityDisclosed: boolean;

  @Column(instant({ name: 'due_at' }))
  dueAt: Date;

  @Column({ type: 'varchar', length: 16, name: 'delivery_state' })
  deliveryState: DeliveryState;

  @Column({ type: 'varchar', length: 16, name: 'response_state' })
  responseState: ResponseState;

  @Column({ type: 'text', nullable: true })
  response: string | null;

  @Column(instant({ name: 'responded_at', nullable: true }))
  respondedAt: Date | null;

  /** The facility admin's user id; null when answered through the e-mailed link. */
  @Column({ type: 'integer', name: 'responded_by', nullable: true })
  respondedBy: number | null;

  /** SHA-256 of the response link token. */
  @Column({ type: 'varchar', length: 64, name: 'token_hash', nullable: true })
  tokenHash: string | null;

  /**
   * The link token itself, encrypted (reminders repeat the same link), until the link is used or
   * the escalation is settled.
   */
  @Column({ type: 'text', name: 'token_enc', nullable: true })
  tokenEnc: string | null;

  @Column(instant({ name: 'token_expires_at' }))
  tokenExpiresAt: Date;

  @Column(instant({ name: 'token_used_at', nullable: true }))
  tokenUsedAt: Date | null;

  /** Null when the SLA sweep made it (system). */
  @Column({ type: 'integer', name: 'created_by', nullable: true })
  createdBy: number | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column(instant({ name: 'updated_at' }))
  updatedAt: Date;

  /** Why the last facility mail failed: step, SMTP reply code and class (`initial: 550 rejected`), never server text. */
  @Column({ type: 'varchar', length: 500, name: 'last_error', nullable: true })
  lastError: string | null;
}
