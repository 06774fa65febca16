import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, instant } from '../database/columns';
import type { Language } from '../facilities/facility.constants';
import type { Role } from './user.constants';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  /** Stored lower-cased. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  @Column({ type: 'varchar', length: 200, name: 'password_hash' })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'integer', name: 'member_id', nullable: true })
  memberId: number | null;

  @Column({ type: 'integer', name: 'facility_id', nullable: true })
  facilityId: number | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Bumped to end every session and token issued before (logout, password, activity, role, term end, second-factor reset). */
  @Column({ type: 'integer', name: 'token_version', default: 0 })
  tokenVersion: number;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  /** The TOTP secret (base32), encrypted with the 'totp' key and bound to this row; null: no second factor. */
  @Column({ type: 'text', name: 'totp_secret_enc', nullable: true })
  totpSecretEnc: string | null;

  @Column(instant({ name: 'totp_enabled_at', nullable: true }))
  totpEnabledAt: Date | null;

  /** The last TOTP time step accepted: a code is good once, and never one of an earlier step. */
  @Column({ type: 'bigint', name: 'totp_last_step', nullable: true, transformer: bigintNumber })
  totpLastStep: number | null;

  /** The language of this account's notifications; null: the usual one of the member's council city. */
  @Column({ type: 'varchar', length: 2, nullable: true })
  language: Language | null;
}
