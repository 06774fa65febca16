import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { ContactResponse } from '../complaints/complaint.responses';
import { CATEGORIES } from '../complaints/complaint.constants';
import type { Category } from '../complaints/complaint.constants';
import { LANGUAGES } from '../facilities/facility.constants';
import type { Language } from '../facilities/facility.constants';
import { MAIL_SEND_STATES } from '../notifications/mail-send.entity';
import type { MailSendState } from '../notifications/mail-send.entity';
import { COUNCIL_ESCALATION_STEPS, FACILITY_STEPS } from '../notifications/notification-steps';
import type { CouncilEscalationStep, FacilityStep } from '../notifications/notification-steps';
import { DELIVERY_STATES, RESPONSE_STATES } from './escalation.constants';
import type { DeliveryState, ResponseState } from './escalation.constants';

const instant = (nullable = false): ApiPropertyOptions => ({ type: String, format: 'date-time', nullable });

/** One e-mail of an escalation; a facility administrator sees only the facility's own. */
export class EscalationStepResponse {
  @ApiProperty({ enum: [...FACILITY_STEPS, ...COUNCIL_ESCALATION_STEPS], enumName: 'EscalationMailStep', description: 'to the facility: initial, reminders, overdue; to the council: its notices' })
  step: FacilityStep | CouncilEscalationStep;

  @ApiProperty({ enum: ['facility', 'council'] })
  audience: 'facility' | 'council';

  @ApiProperty({ enum: MAIL_SEND_STATES, enumName: 'MailSendState' })
  state: MailSendState;

  @ApiProperty({ type: 'integer' })
  attempts: number;

  @ApiProperty(instant())
  dueAt: string;

  @ApiProperty(instant(true))
  sentAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The SMTP outcome of the last failed attempt' })
  lastError: string | null;
}

/** An escalation as staff see it; contact details are never part of it. */
export class EscalationResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ type: 'integer' })
  complaintId: number;

  @ApiProperty({ example: 'BKH-26-0042' })
  complaintReference: string;

  @ApiProperty({ enum: CATEGORIES, enumName: 'Category' })
  category: Category;

  @ApiProperty({ type: 'integer' })
  facilityId: number;

  @ApiProperty()
  facilityName: string;

  @ApiProperty({ type: 'integer', description: '1 for the facility itself, 2 and up as the ladder takes it higher' })
  rung: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The escalation of the rung below' })
  parentEscalationId: number | null;

  @ApiProperty({ description: 'The facility-safe summary the facility received' })
  summary: string;

  @ApiProperty({ description: "Whether it carried the complainant's identity and contact" })
  identityDisclosed: boolean;

  @ApiProperty(instant())
  dueAt: string;

  @ApiProperty({ enum: DELIVERY_STATES, enumName: 'DeliveryState' })
  deliveryState: DeliveryState;

  @ApiProperty({ enum: RESPONSE_STATES, enumName: 'ResponseState' })
  responseState: ResponseState;

  @ApiProperty({ type: String, nullable: true })
  response: string | null;

  @ApiProperty(instant(true))
  respondedAt: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The user who answered; null when answered through the link' })
  respondedBy: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  createdBy: number | null;

  @ApiProperty(instant())
  createdAt: string;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiProperty({ type: [EscalationStepResponse], required: false, description: 'Its e-mails; on single escalations, not in lists' })
  steps?: EscalationStepResponse[];
}

export class EscalationPageResponse {
  @ApiProperty({ type: [EscalationResponse], description: 'Newest first, without steps' })
  items: EscalationResponse[];

  @ApiProperty({ type: 'integer', nullable: true, description: 'Pass as cursor for the next page; null on the last one' })
  nextCursor: number | null;
}

export class EscalationDraftResponse {
  @ApiProperty({ type: 'integer' })
  complaintId: number;

  @ApiProperty({ type: 'integer' })
  facilityId: number;

  @ApiProperty()
  facilityName: string;

  @ApiProperty({ enum: LANGUAGES, enumName: 'Language' })
  language: Language;

  @ApiProperty({ description: 'The neutral, third-person summary offered for this facility, in its language' })
  summary: string;

  @ApiProperty({ description: "Whether this escalation would carry the complainant's identity and contact" })
  identityDisclosed: boolean;
}

export class LinkFacilityResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: LANGUAGES, enumName: 'Language' })
  language: Language;
}

/** What the holder of an e-mailed link sees: the facility-safe case. */
export class LinkViewResponse {
  @ApiProperty({ type: 'integer' })
  escalationId: number;

  @ApiProperty({ example: 'BKH-26-0042' })
  complaintReference: string;

  @ApiProperty({ enum: CATEGORIES, enumName: 'Category' })
  category: Category;

  @ApiProperty({ type: LinkFacilityResponse })
  facility: LinkFacilityResponse;

  @ApiProperty()
  summary: string;

  @ApiProperty(instant())
  dueAt: string;

  @ApiProperty({ type: String, format: 'date', description: 'dueAt as a calendar date in the service time zone' })
  dueDate: string;

  @ApiProperty(instant())
  linkExpiresAt: string;

  @ApiProperty({ enum: RESPONSE_STATES, enumName: 'ResponseState' })
  responseState: ResponseState;

  @ApiProperty({ type: ContactResponse, nullable: true, description: 'Only when the complainant consented to share it with this facility' })
  contact: ContactResponse | null;
}

export class LinkResponseRecordedResponse {
  @ApiProperty({ type: 'integer' })
  escalationId: number;

  @ApiProperty({ example: 'BKH-26-0042' })
  reference: string;

  @ApiProperty({ enum: ['responded'] })
  responseState: 'responded';
}
