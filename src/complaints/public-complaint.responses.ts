import { ApiProperty } from '@nestjs/swagger';
import { FACILITY_TYPES } from '../facilities/facility.constants';
import type { FacilityType } from '../facilities/facility.constants';
import { OUTCOMES, STATUSES } from './complaint.constants';
import type { ComplaintStatus, Outcome } from './complaint.constants';

export class IntakeResponse {
  @ApiProperty({ example: 'BKH-26-0042' })
  reference: string;

  @ApiProperty({ example: 'K7QM-2XHD-9RTA-W4PE', description: 'Shown only this once; only its keyed hash is stored' })
  trackingCode: string;
}

/** Staff entering a complaint also get its id, to go on to triage it. */
export class StaffIntakeResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ example: 'BKH-26-0042' })
  reference: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'K7QM-2XHD-9RTA-W4PE',
    description: 'Shown only this once; only its keyed hash is stored. Null for a complaint entered from a slip: the code is the one on the tear-off part the person kept',
  })
  trackingCode: string | null;
}

export class PublicTimelineEntryResponse {
  @ApiProperty({ type: String, format: 'date-time' })
  at: string;

  @ApiProperty({ example: 'submitted' })
  type: string;

  @ApiProperty({ description: 'The step in plain words' })
  text: string;
}

/** What the person who complained sees with their reference and tracking code. */
export class TrackResponse {
  @ApiProperty({ example: 'BKH-26-0042' })
  reference: string;

  @ApiProperty({ enum: STATUSES, enumName: 'ComplaintStatus' })
  status: ComplaintStatus;

  @ApiProperty({ description: 'The status in plain words' })
  statusText: string;

  @ApiProperty({ enum: OUTCOMES, enumName: 'Outcome', nullable: true })
  outcome: Outcome | null;

  @ApiProperty({ type: String, nullable: true })
  outcomeText: string | null;

  @ApiProperty({ type: String, nullable: true, description: "What changed, in the council member's plain words; never the facility's own answer" })
  outcomePublicNote: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ type: Boolean, nullable: true, description: 'The complainant\'s own verdict on the outcome; null: not given' })
  complainantVerified: boolean | null;

  @ApiProperty({ type: [PublicTimelineEntryResponse], description: 'Public steps only: no notes, no staff' })
  timeline: PublicTimelineEntryResponse[];
}

export class FeedbackReceivedResponse {
  @ApiProperty({ type: Boolean, enum: [true] })
  received: true;
}

export class PublicCityResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'BKH' })
  code: string;
}

export class PublicFacilityResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: FACILITY_TYPES, enumName: 'FacilityType' })
  type: FacilityType;
}
