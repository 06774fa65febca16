import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { OUTCOMES } from '../complaints/complaint.constants';
import type { Outcome } from '../complaints/complaint.constants';
import { RESOLUTION_GROUP_BY } from './stats.constants';
import type { ResolutionGroupBy } from './stats.constants';

const count = (description?: string): ApiPropertyOptions => ({ type: 'integer', nullable: true, description });
const ratio = (description?: string): ApiPropertyOptions => ({ type: Number, nullable: true, description });
const day = (nullable: boolean): ApiPropertyOptions => ({ type: String, format: 'date', nullable });
/** Marks a figure hidden by small-count suppression; absent when shown. */
const HIDDEN: ApiPropertyOptions = { type: Boolean, enum: [true], description: 'Present (true) when the figure is hidden by small-count suppression' };

export class RequestedPeriodResponse {
  @ApiProperty(day(true))
  from: string | null;

  @ApiProperty(day(true))
  to: string | null;
}

export class StatsPeriodResponse extends RequestedPeriodResponse {
  @ApiProperty({ example: 'Asia/Dushanbe' })
  timeZone: string;

  @ApiProperty({ example: 'receivedAt', description: 'The instant that places a record in the period' })
  basis: string;

  @ApiProperty({ description: 'True when widened to whole calendar months (everyone but admins)' })
  wholeMonths: boolean;

  @ApiPropertyOptional({ type: RequestedPeriodResponse, description: 'What was asked, when it differs from the period used' })
  requested?: RequestedPeriodResponse;
}

export class StatsScopeResponse {
  @ApiProperty(count('City id the figures are limited to'))
  city: number | null;

  @ApiProperty(count('Facility id the figures are limited to'))
  facility: number | null;
}

/** What every statistics report says about itself. */
export class StatsReportResponse {
  @ApiProperty({ type: StatsPeriodResponse })
  period: StatsPeriodResponse;

  @ApiProperty({ type: StatsScopeResponse })
  scope: StatsScopeResponse;

  @ApiProperty(count('k of small-count suppression; null when figures are shown in full (admins)'))
  suppressionThreshold: number | null;
}

export class CellResponse {
  @ApiProperty(count())
  count: number | null;

  @ApiProperty(ratio('count / received, 0 to 1; null when received is 0 or the cell is hidden'))
  share: number | null;

  @ApiPropertyOptional(HIDDEN)
  suppressed?: true;
}

export class RateResponse {
  @ApiProperty(ratio('numerator / denominator, 0 to 1'))
  value: number | null;

  @ApiProperty(count())
  numerator: number | null;

  @ApiProperty(count())
  denominator: number | null;

  @ApiPropertyOptional(HIDDEN)
  suppressed?: true;
}

/** One cell per REAct reaction status. */
export class OutcomeCellsResponse {}
export interface OutcomeCellsResponse extends Record<Outcome, CellResponse> {}
// The properties come from the vocabulary, so a new outcome cannot be left out of the contract.
for (const outcome of OUTCOMES) ApiProperty({ type: CellResponse })(OutcomeCellsResponse.prototype, outcome);

export class ResolutionFiguresResponse {
  @ApiProperty(count('Complaints received in the period, rejected ones excluded'))
  received: number | null;

  @ApiProperty({ description: 'True for the combined row of small groups and for a row hidden because its total is small' })
  suppressed: boolean;

  @ApiProperty({ type: RateResponse, description: 'resolved_positive / received' })
  positiveRate: RateResponse;

  @ApiProperty({ type: RateResponse, description: 'resolved_positive / complaints with an outcome' })
  closedPositiveRate: RateResponse;

  @ApiProperty({ type: OutcomeCellsResponse })
  outcomes: OutcomeCellsResponse;

  @ApiProperty({ type: CellResponse, description: 'Complaints not yet resolved' })
  inProgress: CellResponse;
}

export class ResolutionGroupResponse extends ResolutionFiguresResponse {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    nullable: true,
    description: 'City id, facility id or the vocabulary value; null for "not recorded"; "suppressed" for the combined small groups',
  })
  key: string | number | null;

  @ApiProperty()
  label: string;
}

export class ResolutionReportResponse extends StatsReportResponse {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'How each figure is defined' })
  definitions: Record<string, string>;

  @ApiProperty({ type: ResolutionFiguresResponse })
  overall: ResolutionFiguresResponse;

  @ApiProperty({ enum: RESOLUTION_GROUP_BY, enumName: 'ResolutionGroupBy', nullable: true })
  groupBy: ResolutionGroupBy | null;

  @ApiProperty({ description: 'True for keyPopulation: one complaint may count in several groups' })
  multiValued: boolean;

  @ApiPropertyOptional()
  note?: string;

  @ApiPropertyOptional({ type: [ResolutionGroupResponse], description: 'With groupBy only' })
  groups?: ResolutionGroupResponse[];
}
