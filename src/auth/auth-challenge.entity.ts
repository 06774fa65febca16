import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';

export type ChallengePurpose = 'enrol' | 'second_factor';

/**
 * A short-lived, single-use step of a login: an enrolment token (its pending TOTP secret, once
 * generated, encrypted here) or the web login's second step after a correct password.
 */
@Entity('auth_challenges')
export class AuthChallenge {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, name: 'token_hash', unique: true })
  tokenHash: string;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'varchar', length: 16 })
  purpose: ChallengePurpose;

  @Column({ type: 'text', name: 'secret_enc', nullable: true })
  secretEnc: string | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column(instant({ name: 'expires_at' }))
  expiresAt: Date;
}
