import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';

/** An anonymous service evaluation of one facility. */
@Entity('feedback')
export class Feedback {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'facility_id' })
  facilityId: number;

  @Column({ type: 'smallint', name: 'waiting_time' })
  waitingTime: number;

  @Column({ type: 'smallint', name: 'staff_attitude' })
  staffAttitude: number;

  @Column({ type: 'smallint', name: 'opening_hours' })
  openingHours: number;

  @Column({ type: 'smallint' })
  confidentiality: number;

  @Column({ type: 'smallint' })
  overall: number;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column({ type: 'varchar', length: 7 })
  quarter: string;
}
