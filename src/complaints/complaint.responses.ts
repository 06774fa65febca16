import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { ACTIONS } from './complaint-transitions';
import type { ComplaintAction } from './complaint-transitions';
import {
  AGE_GROUPS,
  CATEGORIES,
  CHANNELS,
  DECLINE_REASONS,
  GENDERS,
  KEY_POPULATIONS,
  OUTCOMES,
  PRIORITIES,
  REJECT_REASONS,
  RESPONSIBLE_PARTY_TYPES,
  STATUSES,
} from './complaint.constants';
import type { AgeGroup, Category, Channel, ComplaintStatus, DeclineReason, Gender, KeyPopulation, Outcome, Priority, RejectReason, ResponsiblePartyType } from './complaint.constants';

const instant = (nullable = false): ApiPropertyOptions => ({ type: String, format: 'date-time', nullable });
const id = (nullable = false, description?: string): ApiPropertyOptions => ({ type: 'integer', nullable, description });

/** The fields the triage list and the detail share; never contact details. */
export class ComplaintCoreResponse {
  @ApiProperty(id())
  id: number;

  @ApiProperty({ example: 'BKH-26-0042', description: 'Human-readable, not secret' })
  reference: string;

  @ApiProperty({ enum: STATUSES, enumName: 'ComplaintStatus' })
  status: ComplaintStatus;

  @ApiProperty({ enum: CHANNELS, enumName: 'Channel' })
  channel: Channel;

  @ApiProperty(id())
  cityId: number;

  @ApiProperty(id(true))
  facilityId: number | null;

  @ApiProperty({ enum: CATEGORIES, enumName: 'Category' })
  category: Category;

  @ApiProperty({ enum: PRIORITIES, enumName: 'Priority' })
  priority: Priority;

  @ApiProperty({ enum: OUTCOMES, enumName: 'Outcome', nullable: true, description: 'The REAct reaction status, once resolved' })
  outcome: Outcome | null;

  @ApiProperty(instant())
  receivedAt: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  incidentDate: string | null;

  @ApiProperty({ description: 'Whether contact details are stored (reveal them with POST …/contact/reveal)' })
  hasContact: boolean;
}

/** A row of the staff triage list (ComplaintsService's complaintSummary). */
export class ComplaintSummaryResponse extends ComplaintCoreResponse {
  @ApiProperty({ description: 'The description, cut to 160 characters' })
  summary: string;

  @ApiProperty({ description: 'Resolved, and the complainant answered that it was not resolved for them' })
  disputed: boolean;
}

export class ComplaintPageResponse {
  @ApiProperty({ type: [ComplaintSummaryResponse], description: 'Newest first' })
  items: ComplaintSummaryResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last one' })
  nextCursor: string | null;
}

export class TimelineEntryResponse {
  @ApiProperty(id())
  id: number;

  @ApiProperty(instant())
  at: string;

  @ApiProperty({ example: 'accepted', description: 'submitted, accepted, rejected, escalated, responded, resolved, reopened, confirmed, disputed, contact_revealed, overdue, …' })
  type: string;

  @ApiProperty({ description: 'Shown to the complainant (without actor, note or data)' })
  public: boolean;

  @ApiProperty({ description: 'The entry in plain words' })
  text: string;

  @ApiProperty(id(true))
  actorUserId: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Internal note; never shown to the complainant' })
  note: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Ids and enum values of the step' })
  data: Record<string, unknown> | null;
}

/** The staff detail: every field but the tracking hash and contact details, with the timeline. */
export class ComplaintDetailResponse extends ComplaintCoreResponse {
  @ApiProperty()
  description: string;

  @ApiProperty({ type: String, nullable: true })
  desiredOutcome: string | null;

  @ApiProperty({ enum: KEY_POPULATIONS, enumName: 'KeyPopulation', isArray: true })
  keyPopulations: KeyPopulation[];

  @ApiProperty({ enum: GENDERS, enumName: 'Gender', nullable: true })
  gender: Gender | null;

  @ApiProperty({ enum: AGE_GROUPS, enumName: 'AgeGroup', nullable: true })
  ageGroup: AgeGroup | null;

  @ApiProperty({ enum: RESPONSIBLE_PARTY_TYPES, enumName: 'ResponsiblePartyType', nullable: true })
  responsiblePartyType: ResponsiblePartyType | null;

  @ApiProperty({ ...instant(true), description: 'When contact details were erased under the retention rule' })
  contactErasedAt: string | null;

  @ApiProperty({ description: 'The complainant allows the council to contact them' })
  mayContact: boolean;

  @ApiProperty({ description: 'The complainant allows their identity to go to the facility they named' })
  discloseIdentityToFacility: boolean;

  @ApiProperty({ enum: REJECT_REASONS, enumName: 'RejectReason', nullable: true })
  rejectReason: RejectReason | null;

  @ApiProperty({ enum: DECLINE_REASONS, enumName: 'DeclineReason', nullable: true })
  declineReason: DeclineReason | null;

  @ApiProperty(id(true, 'The user who recorded the outcome'))
  outcomeBy: number | null;

  @ApiProperty(instant(true))
  outcomeAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The outcome in plain words' })
  outcomeText: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'What changed, written by the member for the complainant (shown when tracking)' })
  outcomePublicNote: string | null;

  @ApiProperty({ type: Boolean, nullable: true, description: "The complainant's own verdict on the outcome; null: not given" })
  complainantVerified: boolean | null;

  @ApiProperty(instant(true))
  complainantVerifiedAt: string | null;

  @ApiProperty({ description: 'Resolved, and the complainant answered that it was not resolved for them (reopen to work on it again)' })
  disputed: boolean;

  @ApiProperty({ example: '2026-Q1', description: 'Quarter of receivedAt in the service time zone' })
  receivedQuarter: string;

  @ApiProperty(id(true))
  createdBy: number | null;

  @ApiProperty(instant())
  createdAt: string;

  @ApiProperty(instant())
  updatedAt: string;

  @ApiProperty({ type: 'integer', description: 'Send as version with the next action to refuse a stale write (409)' })
  version: number;

  @ApiProperty({ enum: ACTIONS, enumName: 'ComplaintAction', isArray: true, description: 'What the caller may do now' })
  allowedActions: ComplaintAction[];

  @ApiProperty({ type: [TimelineEntryResponse], description: 'Oldest first' })
  timeline: TimelineEntryResponse[];
}

export class ContactResponse {
  @ApiPropertyOptional()
  phone?: string;

  @ApiPropertyOptional()
  email?: string;

  @ApiPropertyOptional()
  other?: string;
}

export class ContactRevealResponse {
  @ApiProperty({ type: ContactResponse })
  contact: ContactResponse;

  @ApiProperty()
  mayContact: boolean;
}
