import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsCalendarDate } from '../../common/is-calendar-date.validator';
import { Constituency, CONSTITUENCIES, TERM_END_REASONS, TermEndReason } from '../council.constants';

export class CreateMemberDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: CONSTITUENCIES })
  @IsIn(CONSTITUENCIES, { message: `constituency must be one of: ${CONSTITUENCIES.join(', ')}` })
  constituency: Constituency;

  @ApiProperty({ example: '2026-01-15', description: 'First day on the seat; the end is computed from the council term length' })
  @IsCalendarDate()
  termStart: string;
}

export class AddTermDto {
  @ApiProperty({ example: '2028-01-15', description: 'First day of the new term (may be the day the previous one ends)' })
  @IsCalendarDate()
  termStart: string;

  @ApiPropertyOptional({ enum: CONSTITUENCIES, description: 'Defaults to the constituency of the previous term' })
  @IsOptional()
  @IsIn(CONSTITUENCIES, { message: `constituency must be one of: ${CONSTITUENCIES.join(', ')}` })
  constituency?: Constituency;
}

export class EndTermDto {
  @ApiProperty({ enum: TERM_END_REASONS })
  @IsIn(TERM_END_REASONS, { message: `reason must be one of: ${TERM_END_REASONS.join(', ')}` })
  reason: TermEndReason;

  @ApiProperty({ example: '2026-05-01', description: 'First day off the seat' })
  @IsCalendarDate()
  endedOn: string;
}

export class CreateTrainingDto {
  @ApiProperty({ example: 'Documenting human-rights violations (REAct)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  topic: string;

  @ApiProperty({ example: '2026-02-10' })
  @IsCalendarDate()
  date: string;
}
