import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { CONSTITUENCIES, TERM_END_REASONS } from './council.constants';
import type { Constituency, TermEndReason } from './council.constants';

const date = (description?: string): ApiPropertyOptions => ({ type: String, format: 'date', description });

export class CityResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'BKH', description: 'Three capital letters, used in complaint references' })
  code: string;

  @ApiProperty({ type: 'integer', nullable: true, description: "The city's council; null until one is created" })
  councilId: number | null;
}

export class SeatHolderResponse {
  @ApiProperty({ type: 'integer' })
  termId: number;

  @ApiProperty({ type: 'integer' })
  memberId: number;

  @ApiProperty()
  memberName: string;

  @ApiProperty({ enum: CONSTITUENCIES, enumName: 'Constituency' })
  constituency: Constituency;

  @ApiProperty(date())
  termStart: string;

  @ApiProperty(date('The natural end: the first day after the term'))
  termEnd: string;

  @ApiProperty(date('First day off the seat (the natural end, or an earlier end already recorded)'))
  endsOn: string;
}

export class SeatEndingSoonResponse extends SeatHolderResponse {
  @ApiProperty({ type: 'integer' })
  daysLeft: number;
}

export class CouncilSummaryResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ type: 'integer' })
  cityId: number;

  @ApiProperty()
  cityName: string;

  @ApiProperty()
  cityCode: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'integer' })
  seats: number;

  @ApiProperty({ type: 'integer' })
  termMonths: number;

  @ApiProperty({ type: 'integer', description: 'Seats held today (in the service time zone)' })
  seated: number;

  @ApiProperty({ type: 'integer' })
  vacancies: number;

  @ApiProperty({ type: 'integer', description: 'Seats whose term ends within 60 days' })
  endingSoon: number;
}

export class CouncilDetailResponse extends CouncilSummaryResponse {
  @ApiProperty(date('Today where the council works; terms begin and end on such dates'))
  today: string;

  @ApiProperty({ type: [SeatHolderResponse] })
  seatHolders: SeatHolderResponse[];

  @ApiProperty({ type: [SeatEndingSoonResponse], description: 'Terms ending within 60 days, soonest first' })
  termsEndingSoon: SeatEndingSoonResponse[];

  @ApiProperty({ type: [SeatHolderResponse], description: 'Terms that start later (e.g. a successor already chosen)' })
  upcomingTerms: SeatHolderResponse[];

  @ApiProperty({ ...date('When every seat is taken: the earliest date a new full term can start'), nullable: true })
  nextSeatFreesOn: string | null;
}

export class TermResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ enum: CONSTITUENCIES, enumName: 'Constituency' })
  constituency: Constituency;

  @ApiProperty(date())
  termStart: string;

  @ApiProperty(date())
  termEnd: string;

  @ApiProperty({ ...date('Set when the seat ended early: its first day off'), nullable: true })
  endedOn: string | null;

  @ApiProperty({ enum: TERM_END_REASONS, enumName: 'TermEndReason', nullable: true })
  endReason: TermEndReason | null;

  @ApiProperty(date('First day off the seat'))
  endsOn: string;
}

export class MemberTrainingResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty()
  topic: string;

  @ApiProperty(date())
  date: string;
}

export class TrainingResponse extends MemberTrainingResponse {
  @ApiProperty({ type: 'integer' })
  memberId: number;
}

export class MemberResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ type: 'integer' })
  councilId: number;

  @ApiProperty()
  name: string;

  @ApiProperty({ description: 'Holds a seat today' })
  seated: boolean;

  @ApiProperty({ type: TermResponse, nullable: true })
  currentTerm: TermResponse | null;

  @ApiProperty({ type: [TermResponse] })
  terms: TermResponse[];

  @ApiProperty({ type: [MemberTrainingResponse] })
  trainings: MemberTrainingResponse[];
}
