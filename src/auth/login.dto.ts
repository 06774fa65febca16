import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.org' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;

  @ApiPropertyOptional({ description: 'The 6-digit code of the authenticator app, or an unused recovery code', example: '123456' })
  @IsOptional()
  @IsString({ message: 'otp must be the 6-digit code (or a recovery code) as a string' })
  @MaxLength(32)
  otp?: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class EnrolDto {
  @ApiProperty({ description: 'From the 403 TWO_FACTOR_ENROLMENT_REQUIRED answer of login (single use, 10 minutes)' })
  @IsString()
  @Matches(TOKEN, { message: 'enrolmentToken must be the token from the login answer' })
  enrolmentToken: string;
}

export class ConfirmEnrolmentDto extends EnrolDto {
  @ApiProperty({ description: 'The current 6-digit code for the new secret', example: '123456' })
  @IsString()
  @Matches(/^\s*\d{3}\s?\d{3}\s*$/, { message: 'otp must be the 6-digit code from the authenticator app' })
  otp: string;
}
