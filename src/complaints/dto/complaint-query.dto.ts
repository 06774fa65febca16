import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/is-calendar-date.validator';
import { CATEGORIES, Category, STATUSES, ComplaintStatus } from '../complaint.constants';
import { MAX_ID, strictInt } from './text-rules';

export class ComplaintQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: ComplaintStatus;

  @ApiPropertyOptional({ description: 'City id (a council member only ever sees their own city)' })
  @IsOptional()
  @Transform(strictInt)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  city?: number;

  @ApiPropertyOptional({ description: 'Facility id' })
  @IsOptional()
  @Transform(strictInt)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  facility?: number;

  @ApiPropertyOptional({ enum: CATEGORIES })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ description: 'Received on or after this day (YYYY-MM-DD, configured time zone)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Received on or before this day (YYYY-MM-DD, inclusive)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 25, minimum: 1, maximum: 100 })
  @IsOptional()
  @Transform(strictInt)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
