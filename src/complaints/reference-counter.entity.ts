import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Last issued sequence number per city and year, for `BKH-26-0042`. */
@Entity('reference_counters')
export class ReferenceCounter {
  @PrimaryColumn({ type: 'integer', name: 'city_id' })
  cityId: number;

  @PrimaryColumn({ type: 'integer' })
  year: number;

  @Column({ type: 'integer', name: 'last_value' })
  lastValue: number;
}
