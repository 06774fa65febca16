import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PlainText } from './text-rules';

export const REFERENCE_RE = /^[A-Za-z]{3}-\d{2}-\d{4,6}$/;

export class TrackComplaintDto {
  @ApiProperty({ example: 'BKH-26-0042' })
  @IsString()
  @Matches(REFERENCE_RE, { message: 'reference looks like BKH-26-0042' })
  reference: string;

  @ApiProperty({ example: '7KQ4-M2XR-9TDF-H3WP' })
  @IsString()
  @MaxLength(40)
  trackingCode: string;
}

export class ConfirmComplaintDto extends TrackComplaintDto {
  @ApiProperty({ description: 'true: it was resolved for me; false: it was not' })
  @IsBoolean()
  resolvedForMe: boolean;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Read by the council only' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @PlainText()
  comment?: string;
}
