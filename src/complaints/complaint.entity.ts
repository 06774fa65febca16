import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { instant, jsonText } from '../database/columns';
import type {
  AgeGroup,
  Category,
  Channel,
  ComplaintStatus,
  DeclineReason,
  Gender,
  KeyPopulation,
  Outcome,
  Priority,
  RejectReason,
  ResponsiblePartyType,
} from './complaint.constants';

@Entity('complaints')
export class Complaint {
  @PrimaryGeneratedColumn()
  id: number;

  /** Human-readable, not secret: `BKH-26-0042`. */
  @Column({ type: 'varchar', length: 20, unique: true })
  reference: string;

  /** SHA-256 of the tracking code; the code itself is never stored. */
  @Column({ type: 'varchar', length: 64, name: 'tracking_hash' })
  trackingHash: string;

  @Column({ type: 'varchar', length: 16 })
  channel: Channel;

  @Column({ type: 'integer', name: 'city_id' })
  cityId: number;

  @Column({ type: 'integer', name: 'facility_id', nullable: true })
  facilityId: number | null;

  @Column({ type: 'varchar', length: 32 })
  category: Category;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text', name: 'desired_outcome', nullable: true })
  desiredOutcome: string | null;

  @Column({ type: 'varchar', length: 10, name: 'incident_date', nullable: true })
  incidentDate: string | null;

  /** Also normalised into complaint_key_populations for grouping. */
  @Column({ type: 'text', name: 'key_populations', transformer: jsonText })
  keyPopulations: KeyPopulation[];

  @Column({ type: 'varchar', length: 20, nullable: true })
  gender: Gender | null;

  @Column({ type: 'varchar', length: 8, name: 'age_group', nullable: true })
  ageGroup: AgeGroup | null;

  @Column({ type: 'varchar', length: 16, name: 'responsible_party_type', nullable: true })
  responsiblePartyType: ResponsiblePartyType | null;

  /** AES-256-GCM envelope of `{ phone, email, other }`; null when none given or erased. */
  @Column({ type: 'text', name: 'contact_enc', nullable: true })
  contactEnc: string | null;

  @Column(instant({ name: 'contact_erased_at', nullable: true }))
  contactErasedAt: Date | null;

  /** The Telegram chat to send neutral news to (AES-256-GCM, purpose telegram); only on opt-in, erased with the contact. */
  @Column({ type: 'text', name: 'notify_chat_enc', nullable: true })
  notifyChatEnc: string | null;

  /** Keyed hash of that chat id, so /forget finds every complaint it follows without decrypting. */
  @Column({ type: 'varchar', length: 64, name: 'notify_chat_key', nullable: true })
  notifyChatKey: string | null;

  /** Language of those messages (tg, ru, en). */
  @Column({ type: 'varchar', length: 2, name: 'notify_language', nullable: true })
  notifyLanguage: string | null;

  @Column({ type: 'boolean', name: 'may_contact', default: false })
  mayContact: boolean;

  @Column({ type: 'boolean', name: 'disclose_identity', default: false })
  discloseIdentityToFacility: boolean;

  @Column({ type: 'varchar', length: 8, default: 'normal' })
  priority: Priority;

  @Column({ type: 'varchar', length: 16 })
  status: ComplaintStatus;

  @Column({ type: 'varchar', length: 16, name: 'reject_reason', nullable: true })
  rejectReason: RejectReason | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  outcome: Outcome | null;

  @Column({ type: 'varchar', length: 32, name: 'decline_reason', nullable: true })
  declineReason: DeclineReason | null;

  @Column({ type: 'integer', name: 'outcome_by', nullable: true })
  outcomeBy: number | null;

  @Column(instant({ name: 'outcome_at', nullable: true }))
  outcomeAt: Date | null;

  /** What changed, in the member's plain words, for the complainant (shown on /track); never the facility's answer. */
  @Column({ type: 'text', name: 'outcome_public_note', nullable: true })
  outcomePublicNote: string | null;

  /** The complainant's own verdict, kept apart from who declared the outcome. */
  @Column({ type: 'boolean', name: 'complainant_verified', nullable: true })
  complainantVerified: boolean | null;

  @Column(instant({ name: 'complainant_verified_at', nullable: true }))
  complainantVerifiedAt: Date | null;

  /** When the complaint was received (staff may backdate paper forms); drives every period. */
  @Column(instant({ name: 'received_at' }))
  receivedAt: Date;

  /** 'YYYY-Qn' of receivedAt in the configured time zone, kept for grouping. */
  @Column({ type: 'varchar', length: 7, name: 'received_quarter' })
  receivedQuarter: string;

  @Column({ type: 'integer', name: 'created_by', nullable: true })
  createdBy: number | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column(instant({ name: 'updated_at' }))
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
