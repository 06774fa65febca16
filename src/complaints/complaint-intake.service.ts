import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Actor, PUBLIC_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { FieldCipher } from '../common/crypto';
import { dateInZone, quarterInZone, startOfDayInZone } from '../common/dates';
import { forbidden, invalid } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { City } from '../councils/city.entity';
import { Database } from '../database/database.service';
import { Facility } from '../facilities/facility.entity';
import { ComplaintKeyPopulation } from './complaint-key-population.entity';
import { queryRows } from './complaint-sql';
import { contactAad, contactCipher, ContactDetails } from './contact-cipher';
import { ComplaintWorkflowService } from './complaint-workflow.service';
import { Complaint } from './complaint.entity';
import { Channel } from './complaint.constants';
import { ComplaintFieldsDto, ContactDto, PublicComplaintDto, StaffComplaintDto } from './dto/create-complaint.dto';
import { generateTrackingCode, normaliseTrackingCode, TrackingCodeHasher } from './tracking-code';

export interface IntakeResult {
  /** Given to staff only (they go on to triage it); the public answer carries no id. */
  id?: number;
  reference: string;
  /** Shown once; only its keyed hash is stored. */
  trackingCode: string;
}

/** Earliest date accepted for an incident or a backdated receipt; older is a typing mistake. */
const EARLIEST_DATE = '2000-01-01';


@Injectable()
export class ComplaintIntakeService {
  private readonly logger = new Logger(ComplaintIntakeService.name);
  private readonly cipher: FieldCipher;
  private readonly hasher: TrackingCodeHasher;

  constructor(
    private readonly db: Database,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = contactCipher(config.appSecret);
    this.hasher = new TrackingCodeHasher(config.appSecret);
  }

  /** The public form: always channel web, received now. */
  async submitPublic(dto: PublicComplaintDto): Promise<IntakeResult> {
    if (dto.website && dto.website.trim() !== '') return this.decoy(dto.cityId);
    const { reference, trackingCode } = await this.create(PUBLIC_ACTOR, dto, 'web', this.clock.now());
    return { reference, trackingCode };
  }

  /** A council member or admin entering a paper form, call or outreach contact. */
  async submitStaff(actor: Actor, dto: StaffComplaintDto): Promise<IntakeResult> {
    if (actor.kind === 'kpac_member' && dto.cityId !== actor.cityId) {
      throw forbidden("You may enter complaints only for your council's city");
    }
    const now = this.clock.now();
    let receivedAt = now;
    if (dto.receivedAt !== undefined) {
      const today = dateInZone(now, this.config.timeZone);
      if (dto.receivedAt > today) throw invalid(`receivedAt must not be in the future (today is ${today})`);
      if (dto.receivedAt < EARLIEST_DATE) throw invalid(`receivedAt must be on or after ${EARLIEST_DATE}`);
      // A past day is stored as the start of that day in the configured zone, so it counts in the right period.
      if (dto.receivedAt !== today) receivedAt = startOfDayInZone(dto.receivedAt, this.config.timeZone);
    }
    return this.create(actor, dto, dto.channel ?? 'paper_form', receivedAt);
  }

  private async create(actor: Actor, dto: ComplaintFieldsDto, channel: Channel, receivedAt: Date): Promise<Required<IntakeResult>> {
    const tz = this.config.timeZone;
    const receivedDay = dateInZone(receivedAt, tz);
    if (dto.incidentDate !== undefined) {
      const today = dateInZone(this.clock.now(), tz);
      if (dto.incidentDate > today) throw invalid(`incidentDate must not be in the future (today is ${today})`);
      if (dto.incidentDate > receivedDay) throw invalid('incidentDate must not be after the day the complaint was received');
      if (dto.incidentDate < EARLIEST_DATE) throw invalid(`incidentDate must be on or after ${EARLIEST_DATE}`);
    }
    const contact = cleanContact(dto.contact);
    const trackingCode = generateTrackingCode();
    const keyPopulations = dto.keyPopulations ?? [];

    return this.db.transaction(async (em) => {
      const city = await em.findOne(City, { where: { id: dto.cityId } });
      if (!city) throw invalid('cityId does not name a city (see GET /api/v1/public/cities)');
      if (dto.facilityId !== undefined) {
        const facility = await em.findOne(Facility, { where: { id: dto.facilityId } });
        if (!facility || facility.cityId !== city.id) {
          throw invalid('facilityId does not name a facility in this city (see GET /api/v1/public/facilities?city=)');
        }
      }
      const year = Number(receivedDay.slice(0, 4));
      const seq = await this.nextSequence(em, city.id, year);
      const reference = `${city.code}-${receivedDay.slice(2, 4)}-${String(seq).padStart(4, '0')}`;
      const now = this.clock.now();
      const inserted = await em.insert(Complaint, {
        reference,
        trackingHash: this.hasher.hash(reference, normaliseTrackingCode(trackingCode)!),
        channel,
        cityId: city.id,
        facilityId: dto.facilityId ?? null,
        category: dto.category,
        description: dto.description,
        desiredOutcome: dto.desiredOutcome?.trim() ? dto.desiredOutcome : null,
        incidentDate: dto.incidentDate ?? null,
        keyPopulations,
        gender: dto.gender ?? null,
        ageGroup: dto.ageGroup ?? null,
        responsiblePartyType: dto.responsiblePartyType ?? null,
        contactEnc: null,
        contactErasedAt: null,
        mayContact: dto.consents?.mayContact ?? false,
        discloseIdentityToFacility: dto.consents?.discloseIdentityToFacility ?? false,
        priority: 'normal',
        status: 'received',
        receivedAt,
        receivedQuarter: quarterInZone(receivedAt, tz),
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      const id = Number(inserted.identifiers[0].id);
      // Encrypted after the insert so the ciphertext is bound to its own row id.
      if (contact) await em.update(Complaint, { id }, { contactEnc: this.cipher.encrypt(JSON.stringify(contact), contactAad(id)) });
      if (keyPopulations.length) await em.insert(ComplaintKeyPopulation, keyPopulations.map((keyPopulation) => ({ complaintId: id, keyPopulation })));
      await this.workflow.addEvent(em, actor.kind === 'public' ? null : actor, id, { type: 'submitted', public: true, data: { channel } });
      await this.audit.record(em, actor, {
        action: 'complaint.submit',
        entity: 'complaint',
        entityId: id,
        details: { channel, cityId: city.id, hasContact: contact !== null },
      });
      return { id, reference, trackingCode };
    });
  }

  /**
   * Next number of a city's yearly sequence. One upsert: PostgreSQL holds the row lock until the
   * transaction ends, SQLite writes are serialised, so no two complaints share a number.
   */
  private async nextSequence(em: EntityManager, cityId: number, year: number): Promise<number> {
    const rows = await queryRows<{ last_value: number | string }>(
      em,
      `INSERT INTO reference_counters (city_id, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (city_id, year) DO UPDATE SET last_value = reference_counters.last_value + 1
       RETURNING last_value`,
      [cityId, year],
    );
    return Number(rows[0].last_value);
  }

  /** What a bot that filled the honeypot sees: a plausible answer, nothing stored. */
  private async decoy(cityId: number): Promise<IntakeResult> {
    const city = await this.db.manager.findOne(City, { where: { id: cityId } });
    if (!city) throw invalid('cityId does not name a city (see GET /api/v1/public/cities)');
    this.logger.warn('Public complaint discarded: honeypot field was filled');
    const yy = dateInZone(this.clock.now(), this.config.timeZone).slice(2, 4);
    return { reference: `${city.code}-${yy}-${String(randomInt(1, 10_000)).padStart(4, '0')}`, trackingCode: generateTrackingCode() };
  }
}

/** Trimmed contact fields; null when nothing was given. */
function cleanContact(contact: ContactDto | undefined): ContactDetails | null {
  if (!contact) return null;
  const out: ContactDetails = {};
  for (const key of ['phone', 'email', 'other'] as const) {
    const v = contact[key]?.trim();
    if (v) out[key] = v;
  }
  return Object.keys(out).length ? out : null;
}
