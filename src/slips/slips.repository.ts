import { Injectable } from '@nestjs/common';
import { City } from '../councils/city.entity';
import { Database } from '../database/database.service';
import { Facility } from '../facilities/facility.entity';

/** The few reads printing a batch needs; the slips themselves are only ever written here. */
@Injectable()
export class SlipsRepository {
  constructor(private readonly db: Database) {}

  city(id: number): Promise<City | null> {
    return this.db.manager.findOne(City, { where: { id } });
  }

  facility(id: number): Promise<Facility | null> {
    return this.db.manager.findOne(Facility, { where: { id } });
  }

  cities(): Promise<City[]> {
    return this.db.manager.find(City, { order: { name: 'ASC' } });
  }
}
