import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';

/** A web login. The cookie holds a random id; only its SHA-256 is stored here. */
@Entity('staff_sessions')
export class StaffSession {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, name: 'token_hash', unique: true })
  tokenHash: string;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  /** The account's token version when the session began; any later bump ends it. */
  @Column({ type: 'integer', name: 'token_version' })
  tokenVersion: number;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column(instant({ name: 'last_used_at' }))
  lastUsedAt: Date;

  /** The absolute end (12 hours after login), whatever the use. */
  @Column(instant({ name: 'expires_at' }))
  expiresAt: Date;
}
