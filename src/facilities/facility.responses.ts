import { ApiProperty } from '@nestjs/swagger';
import { FACILITY_TYPES, LANGUAGES } from './facility.constants';
import type { FacilityType, Language } from './facility.constants';

/** A rung of the escalation ladder above a facility. */
export class LadderRungResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'integer' })
  cityId: number;

  @ApiProperty({ enum: FACILITY_TYPES, enumName: 'FacilityType' })
  type: FacilityType;

  @ApiProperty({ enum: LANGUAGES, enumName: 'Language', description: 'The language its e-mails are written in' })
  language: Language;

  @ApiProperty({ type: 'integer', description: 'Days it has to answer an escalation' })
  slaDays: number;
}

export class FacilityResponse extends LadderRungResponse {
  @ApiProperty({ type: [String], description: 'Where escalations are e-mailed' })
  contactEmails: string[];

  @ApiProperty({ type: 'integer', nullable: true, description: 'Next rung of the ladder: a facility of type authority' })
  parentId: number | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;
}

export class FacilityDetailResponse extends FacilityResponse {
  @ApiProperty({ type: [LadderRungResponse], description: 'The rungs above, nearest first: where an unanswered escalation goes next' })
  ladder: LadderRungResponse[];
}
