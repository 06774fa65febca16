import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_ID } from '../complaints/dto/text-rules';

export const SLIP_LANGUAGES = ['tg', 'ru', 'en'] as const;
export type SlipLanguage = (typeof SLIP_LANGUAGES)[number];
export const SLIP_BATCH_MAX = 500;

/** A batch of complaint-box slips to print. */
export class CreateSlipsDto {
  @ApiProperty({ example: 1, description: 'City whose reference counter the slips take their numbers from' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  cityId: number;

  @ApiPropertyOptional({ example: 3, description: 'Facility the box stands at (printed on the slips); omit for an outreach day' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  facilityId?: number;

  @ApiProperty({ minimum: 1, maximum: SLIP_BATCH_MAX, example: 40, description: 'How many slips (4 to an A4 page)' })
  @IsInt({ message: `count must be a whole number from 1 to ${SLIP_BATCH_MAX}` })
  @Min(1, { message: `count must be at least 1` })
  @Max(SLIP_BATCH_MAX, { message: `count must be at most ${SLIP_BATCH_MAX} (print several batches)` })
  count: number;

  @ApiProperty({ enum: SLIP_LANGUAGES, description: 'Language printed first; Tajik and Russian are always printed too' })
  @IsIn(SLIP_LANGUAGES)
  language: SlipLanguage;
}
