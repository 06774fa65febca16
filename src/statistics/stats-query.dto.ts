import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsPositive, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isValidDate } from '../common/dates';
import { RESOLUTION_GROUP_BY, ResolutionGroupBy } from './stats.constants';

@ValidatorConstraint({ name: 'calendarDate' })
export class CalendarDate implements ValidatorConstraintInterface {
  validate(v: unknown): boolean {
    return typeof v === 'string' && isValidDate(v);
  }
  defaultMessage(): string {
    return '$property must be a calendar date YYYY-MM-DD, e.g. 2026-01-31';
  }
}

/** A period of calendar days in the service's time zone; both ends included. */
export class StatsPeriodQueryDto {
  @ApiPropertyOptional({ description: 'first day (YYYY-MM-DD, in the configured time zone), inclusive', example: '2023-01-01' })
  @IsOptional()
  @Validate(CalendarDate)
  from?: string;

  @ApiPropertyOptional({ description: 'last day (YYYY-MM-DD), inclusive', example: '2023-06-30' })
  @IsOptional()
  @Validate(CalendarDate)
  to?: string;

  @ApiPropertyOptional({ description: 'city id' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @IsPositive()
  city?: number;

  @ApiPropertyOptional({ description: 'facility id' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @IsPositive()
  facility?: number;
}

export class ResolutionQueryDto extends StatsPeriodQueryDto {
  @ApiPropertyOptional({ enum: RESOLUTION_GROUP_BY })
  @IsOptional()
  @IsIn(RESOLUTION_GROUP_BY, { message: `groupBy must be one of ${RESOLUTION_GROUP_BY.join(', ')}` })
  groupBy?: ResolutionGroupBy;
}
