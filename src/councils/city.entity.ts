import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';

@Entity('cities')
export class City {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100, unique: true })
  name: string;

  /** Three letters used in complaint references, e.g. BKH. */
  @Column({ type: 'varchar', length: 3, unique: true })
  code: string;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;
}
