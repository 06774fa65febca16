import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { groupTrackingCode, normaliseReference, normaliseTrackingCode } from '../public-code';
import { PlainText } from './text-rules';

export const REFERENCE_RE = /^[A-Za-z]{3}-\d{2}-\d{4,6}$/;

/** What was typed, in canonical form when it can be read as one; otherwise as typed (and refused). */
const asReference = ({ value }: { value: unknown }) => (typeof value === 'string' ? (normaliseReference(value) ?? value.trim()) : value);
const asTrackingCode = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const code = normaliseTrackingCode(value);
  return code ? groupTrackingCode(code) : value.trim();
};

/** Both codes are read leniently (public-code.ts): Cyrillic look-alikes, any case, any separators. */
export class TrackComplaintDto {
  @ApiProperty({ example: 'BKH-26-0042', description: 'Read leniently: Cyrillic look-alikes, lower case, spaces or dots for dashes, O/I/L for 0/1 in the digits' })
  @Transform(asReference)
  @IsString()
  @Matches(REFERENCE_RE, { message: 'reference looks like BKH-26-0042' })
  reference: string;

  @ApiProperty({ example: '7KQ4-M2XR-9TDF-H3WP', description: 'Read leniently, as the reference (O is 0, I and L are 1)' })
  @Transform(asTrackingCode)
  @IsString()
  @MaxLength(60)
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
