import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsInt, IsOptional, IsPositive, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FACILITY_TYPES, FacilityType, Language, LANGUAGES } from '../facility.constants';

const MAX_ID = 2_147_483_647;

export class CreateFacilityDto {
  @ApiProperty({ example: 'Bokhtar OST site' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name: string;

  @ApiProperty()
  @IsInt()
  @IsPositive()
  @Max(MAX_ID)
  cityId: number;

  @ApiProperty({ enum: FACILITY_TYPES })
  @IsIn(FACILITY_TYPES, { message: `type must be one of: ${FACILITY_TYPES.join(', ')}` })
  type: FacilityType;

  @ApiProperty({ type: [String], description: 'Where escalations are sent' })
  @IsArray()
  @ArrayMaxSize(10)
  @IsEmail({}, { each: true, message: 'contactEmails must hold e-mail addresses' })
  @MaxLength(254, { each: true })
  contactEmails: string[];

  @ApiProperty({ enum: LANGUAGES, description: 'Language of the e-mails the facility receives' })
  @IsIn(LANGUAGES, { message: `language must be one of: ${LANGUAGES.join(', ')}` })
  language: Language;

  @ApiPropertyOptional({ default: 10, description: 'Days the facility has to respond' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  slaDays?: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Next rung of the escalation ladder: a facility of type authority' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(MAX_ID)
  parentId?: number | null;
}

export class UpdateFacilityDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(MAX_ID)
  cityId?: number;

  @ApiPropertyOptional({ enum: FACILITY_TYPES })
  @IsOptional()
  @IsIn(FACILITY_TYPES, { message: `type must be one of: ${FACILITY_TYPES.join(', ')}` })
  type?: FacilityType;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsEmail({}, { each: true, message: 'contactEmails must hold e-mail addresses' })
  @MaxLength(254, { each: true })
  contactEmails?: string[];

  @ApiPropertyOptional({ enum: LANGUAGES })
  @IsOptional()
  @IsIn(LANGUAGES, { message: `language must be one of: ${LANGUAGES.join(', ')}` })
  language?: Language;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  slaDays?: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'null takes the facility off the ladder' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(MAX_ID)
  parentId?: number | null;
}

export class FacilityQueryDto {
  @ApiPropertyOptional({ description: 'city id' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @IsPositive()
  @Max(MAX_ID)
  city?: number;

  @ApiPropertyOptional({ enum: FACILITY_TYPES })
  @IsOptional()
  @IsIn(FACILITY_TYPES, { message: `type must be one of: ${FACILITY_TYPES.join(', ')}` })
  type?: FacilityType;
}
