import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant, jsonText } from '../database/columns';
import type { FacilityType, Language } from './facility.constants';

@Entity('facilities')
export class Facility {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'integer', name: 'city_id' })
  cityId: number;

  @Column({ type: 'varchar', length: 32 })
  type: FacilityType;

  @Column({ type: 'text', name: 'contact_emails', transformer: jsonText })
  contactEmails: string[];

  @Column({ type: 'varchar', length: 2 })
  language: Language;

  @Column({ type: 'integer', name: 'sla_days', default: 10 })
  slaDays: number;

  /** Next rung of the escalation ladder: a facility of type `authority`. */
  @Column({ type: 'integer', name: 'parent_id', nullable: true })
  parentId: number | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column(instant({ name: 'updated_at' }))
  updatedAt: Date;
}
