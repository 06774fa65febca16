import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';

@Entity('trainings')
export class Training {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'member_id' })
  memberId: number;

  @Column({ type: 'varchar', length: 200 })
  topic: string;

  @Column({ type: 'varchar', length: 10 })
  date: string;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;
}
