import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  CATEGORIES,
  Category,
  DECLINE_REASONS,
  DeclineReason,
  OUTCOMES,
  Outcome,
  PRIORITIES,
  Priority,
  REJECT_REASONS,
  RejectReason,
} from '../complaint.constants';
import { MAX_ID, PlainText } from './text-rules';

export const PUBLIC_NOTE_MAX = 1000;

/** Optimistic concurrency: the version the caller read; a stale one answers 409. */
class VersionedDto {
  @ApiPropertyOptional({ description: 'The version you read (GET /complaints/:id); a newer one on the server answers 409' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ID)
  version?: number;
}

export class TriageDto extends VersionedDto {
  @ApiProperty({ enum: ['accept', 'reject'] })
  @IsIn(['accept', 'reject'])
  decision: 'accept' | 'reject';

  @ApiPropertyOptional({ enum: REJECT_REASONS, description: 'Required to reject' })
  @IsOptional()
  @IsIn(REJECT_REASONS)
  reason?: RejectReason;

  @ApiPropertyOptional({ enum: CATEGORIES, description: 'Correct the category while triaging' })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;
}

export class ResolutionDto extends VersionedDto {
  @ApiProperty({ enum: OUTCOMES })
  @IsIn(OUTCOMES)
  outcome: Outcome;

  @ApiPropertyOptional({ enum: DECLINE_REASONS, description: 'Required when outcome is unresolved_client_declined, refused otherwise' })
  @IsOptional()
  @IsIn(DECLINE_REASONS)
  declineReason?: DeclineReason;

  @ApiPropertyOptional({ maxLength: 5000, description: 'Internal note, never shown to the complainant' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  @PlainText()
  note?: string;

  @ApiPropertyOptional({
    maxLength: PUBLIC_NOTE_MAX,
    description: "What changed, in plain words, shown to the complainant when tracking (not the facility's answer unless you copy it); refused (422) with her contact details",
  })
  @IsOptional()
  @IsString()
  @MaxLength(PUBLIC_NOTE_MAX)
  @PlainText()
  publicNote?: string;
}

export class ReopenDto extends VersionedDto {
  @ApiPropertyOptional({ maxLength: 5000, description: 'Internal note, never shown to the complainant' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  @PlainText()
  note?: string;
}

export class RevealContactDto {
  @ApiPropertyOptional({
    maxLength: 1000,
    description: 'Required (an admin only) when the complainant did not allow being contacted: why the details must be revealed; stored in the audit trail',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @PlainText()
  reason?: string;
}
