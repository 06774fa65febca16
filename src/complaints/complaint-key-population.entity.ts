import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('complaint_key_populations')
export class ComplaintKeyPopulation {
  @PrimaryColumn({ type: 'integer', name: 'complaint_id' })
  complaintId: number;

  @PrimaryColumn({ type: 'varchar', length: 32, name: 'key_population' })
  keyPopulation: string;
}
