import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { assertMayIssueSlipsFor, canIssueSlipsFor } from '../access/access-policy';
import { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { addDays, addMonths, dateInZone, startOfDayInZone } from '../common/dates';
import { invalid, notFound } from '../common/domain-errors';
import { formatReference } from '../complaints/complaint-reference';
import { ComplaintsRepository } from '../complaints/complaints.repository';
import { Slip } from '../complaints/slip.entity';
import { generateTrackingCode, normaliseTrackingCode, TrackingCodeHasher, trackingCodeHasher } from '../complaints/tracking-code';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { PrintedSlip, renderSlipsPdf } from './slip-pdf';
import { CreateSlipsDto } from './slips.dto';
import { SlipsRepository } from './slips.repository';

export interface IssuedBatch {
  batchId: string;
  pdf: Buffer;
}

/** The link a slip's QR code opens: `/track` with both fields filled in (the page only fills the form). */
export function slipTrackUrl(publicUrl: string, reference: string, code: string): string {
  return `${publicUrl}/track?reference=${encodeURIComponent(reference)}&code=${encodeURIComponent(code)}`;
}

/**
 * Printing complaint-box slips: references from the city's counter and fresh tracking codes,
 * stored as keyed hashes in the same transaction. The codes in clear go into the PDF only, which
 * is built in memory and handed back, never stored.
 */
@Injectable()
export class SlipsService {
  private readonly hasher: TrackingCodeHasher;

  constructor(
    private readonly db: Database,
    private readonly repo: SlipsRepository,
    private readonly counters: ComplaintsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.hasher = trackingCodeHasher(config);
  }

  async issue(actor: Actor, dto: CreateSlipsDto): Promise<IssuedBatch> {
    assertMayIssueSlipsFor(actor, dto.cityId);
    const city = await this.repo.city(dto.cityId);
    if (!city) throw notFound('City');
    let facilityName: string | null = null;
    if (dto.facilityId !== undefined) {
      const facility = await this.repo.facility(dto.facilityId);
      if (!facility || facility.cityId !== city.id) throw invalid('facilityId does not name a facility in this city', { field: 'facilityId', reason: 'facility_not_in_city' });
      facilityName = facility.name;
    }
    const tz = this.config.timeZone;
    const batchId = randomUUID();
    const codes = Array.from({ length: dto.count }, () => generateTrackingCode());
    const { printed, validUntil } = await this.db.transaction(async (uow) => {
      const day = dateInZone(uow.now, tz);
      const year = Number(day.slice(0, 4));
      // Valid through the last day printed on the slip, in the council's calendar.
      const validUntil = addMonths(day, this.config.slipValidMonths);
      const expiresAt = startOfDayInZone(addDays(validUntil, 1), tz);
      const first = await this.counters.reserveReferences(uow.em, city.id, year, dto.count);
      const references = codes.map((_, i) => formatReference(city.code, year, first + i));
      uow.append(
        Slip,
        references.map((reference, i) => ({
          reference,
          cityId: city.id,
          facilityId: dto.facilityId ?? null,
          codeHash: this.hasher.hash(reference, normaliseTrackingCode(codes[i])!),
          batchId,
          issuedBy: actor.userId,
          issuedAt: uow.now,
          expiresAt,
          usedAt: null,
          complaintId: null,
        })),
      );
      // Who, how many, where: never the codes.
      this.audit.record(uow, {
        actor,
        action: 'slips.issue',
        entity: 'slip_batch',
        entityId: batchId,
        details: { cityId: city.id, facilityId: dto.facilityId ?? null, count: dto.count, language: dto.language, firstReference: references[0], lastReference: references[references.length - 1] },
      });
      const printed: PrintedSlip[] = references.map((reference, i) => ({ reference, code: codes[i], trackUrl: slipTrackUrl(this.config.publicUrl, reference, codes[i]) }));
      return { printed, validUntil };
    });
    const pdf = await renderSlipsPdf({ slips: printed, language: dto.language, trackPage: `${this.config.publicUrl}/track`, facilityName, validUntil });
    return { batchId, pdf };
  }

  /** Cities a staff page offers: the member's own, every city for an admin. */
  async citiesFor(actor: Actor) {
    const all = await this.repo.cities();
    return all.filter((c) => canIssueSlipsFor(actor, c.id));
  }
}
