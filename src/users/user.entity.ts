import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';
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

  /** Bumped to invalidate every token issued before (password change, deactivation). */
  @Column({ type: 'integer', name: 'token_version', default: 0 })
  tokenVersion: number;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;
}
