import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsPositive, IsString, MaxLength, MinLength } from 'class-validator';
import { LANGUAGES } from '../facilities/facility.constants';
import type { Language } from '../facilities/facility.constants';
import { PASSWORD_MIN_LENGTH, Role, ROLES } from './user.constants';

export class CreateUserDto {
  @ApiProperty()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `password must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @MaxLength(200)
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({ description: 'Required for kpac_member' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  memberId?: number;

  @ApiPropertyOptional({ description: 'Required for facility_admin' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  facilityId?: number;

  @ApiPropertyOptional({ enum: LANGUAGES, description: "Language of the account's notifications; omitted: the usual one of the member's council city" })
  @IsOptional()
  @IsIn(LANGUAGES, { message: `language must be one of: ${LANGUAGES.join(', ')}` })
  language?: Language;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: ROLES, description: 'A new role; memberId (kpac_member) or facilityId (facility_admin) as on creation' })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ description: 'With role kpac_member' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  memberId?: number;

  @ApiPropertyOptional({ description: 'With role facility_admin' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  facilityId?: number;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN_LENGTH })
  @IsOptional()
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `password must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({ enum: LANGUAGES, nullable: true, description: "Language of the account's notifications; null: the usual one of the member's council city" })
  @IsOptional()
  @IsIn(LANGUAGES, { message: `language must be one of: ${LANGUAGES.join(', ')}` })
  language?: Language | null;
}
