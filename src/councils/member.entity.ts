import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';

/** A person on a council; their seats are Terms. */
@Entity('members')
export class Member {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'council_id' })
  councilId: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;
}
