import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Database } from '../database/database.service';
import { City } from './city.entity';
import { Council } from './council.entity';

export const SEED_CITIES = [
  { name: 'Bokhtar', code: 'BKH' },
  { name: 'Dushanbe', code: 'DSH' },
  { name: 'Khujand', code: 'KHJ' },
  { name: 'Kulob', code: 'KLB' },
] as const;

/** Seeds the four cities and their councils (4 seats, 24-month terms) if absent; safe to run on every start, and
 * by several instances starting at once (they take turns under the start-up lock). */
@Injectable()
export class ReferenceDataService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReferenceData');

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.seed();
  }

  async seed(): Promise<void> {
    let added = 0;
    await this.db.underStartupLock(() => this.db.transaction(async (uow) => {
      const em = uow.em;
      for (const c of SEED_CITIES) {
        let city = await em.findOne(City, { where: { code: c.code } });
        if (!city) {
          city = await em.save(City, em.create(City, { name: c.name, code: c.code, createdAt: this.clock.now() }));
          added++;
        }
        const council = await em.findOne(Council, { where: { cityId: city.id } });
        if (!council) {
          await em.insert(Council, { cityId: city.id, name: `KPAC ${city.name}`, seats: 4, termMonths: 24, createdAt: this.clock.now() });
        }
      }
    }));
    if (added) this.logger.log(`Seeded ${added} cities and their councils`);
  }
}
