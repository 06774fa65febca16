import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsPositive, Validate } from 'class-validator';
import { CalendarDate } from '../statistics/stats-query.dto';

export class ExportPeriodQueryDto {
  @ApiPropertyOptional({ description: 'first day (YYYY-MM-DD) of receivedAt, inclusive' })
  @IsOptional()
  @Validate(CalendarDate)
  from?: string;

  @ApiPropertyOptional({ description: 'last day (YYYY-MM-DD), inclusive' })
  @IsOptional()
  @Validate(CalendarDate)
  to?: string;

  @ApiPropertyOptional({ description: 'city id' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @IsPositive()
  city?: number;
}

export class ComplaintsExportQueryDto extends ExportPeriodQueryDto {
  @ApiPropertyOptional({ description: 'include description and desired outcome (free text); off unless asked for', default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'includeText must be true or false' })
  includeText?: boolean;
}
