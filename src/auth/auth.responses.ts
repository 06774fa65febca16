import { ApiProperty } from '@nestjs/swagger';
import { ErrorResponse } from '../common/error.responses';

export class TokenResponse {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken: string;

  @ApiProperty({ type: 'integer', description: 'Lifetime of the token in seconds' })
  expiresIn: number;
}

export class EnrolmentConfirmedResponse extends TokenResponse {
  @ApiProperty({ type: [String], description: 'Ten single-use recovery codes, shown this once' })
  recoveryCodes: string[];
}

export class EnrolmentSecretResponse {
  @ApiProperty({ description: 'The TOTP secret, base32 (SHA-1, 6 digits, 30 s)' })
  secret: string;

  @ApiProperty({ description: 'otpauth:// URI for the authenticator app (e.g. as a QR code)' })
  otpauthUri: string;
}

export class EnrolmentStartedResponse {
  @ApiProperty({ description: 'For POST /api/v1/auth/2fa/enrol and /2fa/confirm (single use, 10 minutes)' })
  enrolmentToken: string;
}

/** Login's 403 when the account must set up a second factor first: the error body plus the token to do it with. */
export class EnrolmentRequiredResponse extends ErrorResponse {
  @ApiProperty({ description: 'For POST /api/v1/auth/2fa/enrol and /2fa/confirm (single use, 10 minutes)' })
  enrolmentToken: string;
}
