import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { RESPONSE_MAX, RESPONSE_STATES, SUMMARY_MAX } from './escalation.constants';
import type { ResponseState } from './escalation.constants';

export class CreateEscalationDto {
  @ApiProperty()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  facilityId: number;

  @ApiProperty({ description: 'Facility-safe summary: the only case text the facility sees' })
  @IsString()
  @MinLength(10)
  @MaxLength(SUMMARY_MAX)
  summary: string;
}

export class EscalationDraftQueryDto {
  @ApiProperty({ description: 'The facility to escalate to' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  facilityId: number;
}

export class RespondDto {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(RESPONSE_MAX)
  response: string;
}

/** The response link's token is 32 random bytes, base64url. */
export const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export class RespondByLinkDto extends RespondDto {
  @ApiProperty()
  @IsString()
  @Matches(TOKEN_RE, { message: 'token must be the code from the e-mailed link' })
  token: string;
}

export class ListEscalationsDto {
  @ApiPropertyOptional({ enum: RESPONSE_STATES })
  @IsOptional()
  @IsIn(RESPONSE_STATES as unknown as string[])
  responseState?: ResponseState;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  complaintId?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  facilityId?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  cursor?: number;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  limit?: number;
}
