import { ApiProperty } from '@nestjs/swagger';
import { LANGUAGES } from '../facilities/facility.constants';
import { ROLES } from './user.constants';
import type { Role } from './user.constants';

/** A staff account as the users routes answer it (UsersService's UserView); never the password or secret. */
export class UserResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ description: 'Stored lower-cased' })
  email: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  role: Role;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Set for kpac_member accounts' })
  memberId: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Set for facility_admin accounts' })
  facilityId: number | null;

  @ApiProperty({ enum: LANGUAGES, nullable: true, description: "Language of the account's notifications; null: the usual one of the member's council city" })
  language: string | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ description: 'Whether the account has a second factor (TOTP) set up' })
  twoFactor: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}
