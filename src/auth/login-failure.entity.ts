import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns';

/** Failed logins per account key (a hash of the e-mail, whether or not the account exists). */
@Entity('login_failures')
export class LoginFailure {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'integer' })
  count: number;

  @Column({ type: 'bigint', name: 'window_start', transformer: bigintNumber })
  windowStart: number;
}
