import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';

/** One of an account's ten single-use recovery codes, kept as a keyed hash. */
@Entity('recovery_codes')
export class RecoveryCode {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'user_id' })
  userId: number;

  @Column({ type: 'varchar', length: 64, name: 'code_hash' })
  codeHash: string;

  @Column(instant({ name: 'used_at', nullable: true }))
  usedAt: Date | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;
}
