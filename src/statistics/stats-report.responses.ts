import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { StatsReportResponse } from './statistics.responses';

const count = (description?: string): ApiPropertyOptions => ({ type: 'integer', nullable: true, description });
const ratio = (description?: string): ApiPropertyOptions => ({ type: Number, nullable: true, description });
const COMBINED: ApiPropertyOptions = { enum: ['suppressed'], description: 'Set on the item combining those too small to name (everyone but admins)' };

export class WithinSlaResponse {
  @ApiProperty(count())
  count: number | null;

  @ApiProperty(ratio('Share of escalations, 0 to 1'))
  share: number | null;

  @ApiPropertyOptional({ type: Boolean, enum: [true], description: 'Present (true) when hidden by small-count suppression' })
  suppressed?: true;
}

/** An item of a per-facility report. */
export class FacilityItemResponse {
  @ApiPropertyOptional(COMBINED)
  key?: 'suppressed';

  @ApiProperty(count())
  facilityId: number | null;

  @ApiProperty({ type: String, nullable: true })
  facility: string | null;
}

export class SlaItemResponse extends FacilityItemResponse {
  @ApiProperty(count())
  slaDays: number | null;

  @ApiProperty()
  suppressed: boolean;

  @ApiProperty(count())
  escalations: number | null;

  @ApiProperty(count())
  responded: number | null;

  @ApiProperty({ type: WithinSlaResponse, nullable: true })
  respondedWithinSla: WithinSlaResponse | null;

  @ApiProperty(ratio('Days, to a tenth'))
  medianDaysToResponse: number | null;

  @ApiProperty(ratio('Days, to a tenth'))
  p90DaysToResponse: number | null;

  @ApiProperty(count())
  overdueNow: number | null;

  @ApiProperty(count('Escalations that moved up the ladder'))
  escalatedUp: number | null;
}

export class SlaReportResponse extends StatsReportResponse {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'How each figure is defined' })
  definitions: Record<string, string>;

  @ApiProperty({ type: [SlaItemResponse], description: 'One per facility' })
  items: SlaItemResponse[];
}

export class FeedbackMeansResponse {
  @ApiProperty()
  waitingTime: number;

  @ApiProperty()
  staffAttitude: number;

  @ApiProperty()
  openingHours: number;

  @ApiProperty()
  confidentiality: number;

  @ApiProperty()
  overall: number;
}

export class FeedbackItemResponse extends FacilityItemResponse {
  @ApiProperty(count())
  cityId: number | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-Q1' })
  quarter: string | null;

  @ApiProperty(count('Number of ratings'))
  ratings: number | null;

  @ApiProperty()
  suppressed: boolean;

  @ApiProperty({ type: FeedbackMeansResponse, nullable: true, description: 'Mean rating per aspect, to two decimals' })
  means: FeedbackMeansResponse | null;
}

export class FeedbackReportResponse extends StatsReportResponse {
  @ApiProperty({ example: '1 (worst) to 5 (best)' })
  scale: string;

  @ApiPropertyOptional()
  note?: string;

  @ApiProperty({ type: [FeedbackItemResponse], description: 'One per facility and quarter' })
  items: FeedbackItemResponse[];
}

export class CouncilStatsPeriodResponse {
  @ApiProperty({ type: String, format: 'date' })
  from: string;

  @ApiProperty({ type: String, format: 'date' })
  to: string;

  @ApiProperty()
  timeZone: string;

  @ApiProperty({ type: String, format: 'date' })
  today: string;

  @ApiProperty({ example: 'term dates' })
  basis: string;

  @ApiProperty()
  wholeMonths: boolean;
}

export class CouncilStatsItemResponse {
  @ApiProperty({ type: 'integer' })
  councilId: number;

  @ApiProperty()
  council: string;

  @ApiProperty({ type: 'integer' })
  cityId: number;

  @ApiProperty()
  city: string;

  @ApiProperty()
  cityCode: string;

  @ApiProperty({ type: 'integer' })
  termMonths: number;

  @ApiProperty({ type: 'integer' })
  seats: number;

  @ApiProperty({ type: 'integer' })
  filledNow: number;

  @ApiProperty({ type: 'integer' })
  vacantNow: number;

  @ApiProperty({ type: 'integer', description: 'Sum over the days of the period (up to today) of seats not held that day' })
  vacancyDays: number;

  @ApiProperty({ type: 'integer' })
  termsStarted: number;

  @ApiProperty({ type: 'integer', description: 'Terms whose last day fell in the period, up to today' })
  termsEnded: number;

  @ApiProperty({ type: 'integer' })
  termsEndedEarly: number;

  @ApiProperty(ratio('Mean length in days of the terms counted in termsEnded'))
  meanTenureDays: number | null;

  @ApiProperty({ type: 'integer' })
  trainings: number;

  @ApiProperty({ type: 'integer', description: 'Members who held a seat at some time in the period' })
  membersInPeriod: number;

  @ApiProperty(ratio())
  trainingsPerMember: number | null;
}

export class CouncilStatsResponse {
  @ApiProperty({ type: CouncilStatsPeriodResponse })
  period: CouncilStatsPeriodResponse;

  @ApiProperty({ type: [CouncilStatsItemResponse], description: 'One per council' })
  items: CouncilStatsItemResponse[];
}
