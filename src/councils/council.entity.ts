import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';
import { City } from './city.entity';

@Entity('councils')
export class Council {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'city_id', unique: true })
  cityId: number;

  @ManyToOne(() => City)
  @JoinColumn({ name: 'city_id' })
  city?: City;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'integer', default: 4 })
  seats: number;

  @Column({ type: 'integer', name: 'term_months', default: 24 })
  termMonths: number;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;
}
