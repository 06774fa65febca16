import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { quarterInZone } from '../common/dates';
import { invalid } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { City } from '../councils/city.entity';
import { Database } from '../database/database.service';
import { Facility } from '../facilities/facility.entity';
import { FeedbackDto } from './dto/feedback.dto';
import { Feedback } from './feedback.entity';

/** Anonymous service ratings, and the reference lists the public forms need. */
@Injectable()
export class FeedbackService {
  private readonly logger = new Logger(FeedbackService.name);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async submit(dto: FeedbackDto): Promise<{ received: true }> {
    const facility = await this.db.manager.findOne(Facility, { where: { id: dto.facilityId } });
    if (!facility) throw invalid('facilityId does not name a facility (see GET /api/v1/public/facilities?city=)');
    if (dto.website && dto.website.trim() !== '') {
      this.logger.warn('Public feedback discarded: honeypot field was filled');
      return { received: true };
    }
    const now = this.clock.now();
    await this.db.transaction(({ em }) =>
      em.insert(Feedback, {
        facilityId: facility.id,
        ...dto.ratings,
        comment: dto.comment?.trim() ? dto.comment : null,
        createdAt: now,
        quarter: quarterInZone(now, this.config.timeZone),
      }),
    );
    return { received: true };
  }

  async cities(): Promise<{ id: number; name: string; code: string }[]> {
    const rows = await this.db.manager.find(City, { order: { name: 'ASC' } });
    return rows.map((c) => ({ id: c.id, name: c.name, code: c.code }));
  }

  async facilities(cityId: number): Promise<{ id: number; name: string; type: string }[]> {
    const city = await this.db.manager.findOne(City, { where: { id: cityId } });
    if (!city) throw invalid('city must be the id of a city (see GET /api/v1/public/cities)');
    const rows = await this.db.manager.find(Facility, { where: { cityId }, order: { name: 'ASC' } });
    return rows.map((f) => ({ id: f.id, name: f.name, type: f.type }));
  }
}
