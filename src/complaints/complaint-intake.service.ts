import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import { Actor, PUBLIC_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { FieldCipher } from '../common/crypto';
import { dateInZone, quarterInZone, startOfDayInZone } from '../common/dates';
import { invalid } from '../common/domain-errors';
import { assertMayEnterComplaintFor } from '../access/access-policy';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { City } from '../councils/city.entity';
import { Database } from '../database/database.service';
import { BatchOutcome, GroupCommit } from '../database/group-commit';
import { Facility } from '../facilities/facility.entity';
import { contactAad, contactCipher, ContactDetails } from './contact-cipher';
import { ComplaintWorkflowService } from './complaint-workflow.service';
import { ComplaintsRepository } from './complaints.repository';
import { Channel } from './complaint.constants';
import { ComplaintFieldsDto, ContactDto, PublicComplaintDto, StaffComplaintDto } from './dto/create-complaint.dto';
import { generateTrackingCode, normaliseTrackingCode, TrackingCodeHasher, trackingCodeHasher } from './tracking-code';

export interface IntakeResult {
  /** Given to staff only (they go on to triage it); the public answer carries no id. */
  id?: number;
  reference: string;
  /** Shown once; only its keyed hash is stored. */
  trackingCode: string;
}

/** An intake checked and ready to write, waiting for its batch. */
interface PendingIntake {
  actor: Actor;
  dto: ComplaintFieldsDto;
  channel: Channel;
  receivedAt: Date;
  receivedDay: string;
  contact: ContactDetails | null;
  trackingCode: string;
}

/** Earliest date accepted for an incident or a backdated receipt; older is a typing mistake. */
const EARLIEST_DATE = '2000-01-01';


@Injectable()
export class ComplaintIntakeService {
  private readonly logger = new Logger(ComplaintIntakeService.name);
  private readonly cipher: FieldCipher;
  private readonly hasher: TrackingCodeHasher;
  /** Intakes arriving together share one write transaction. */
  private readonly batches: GroupCommit<PendingIntake, Required<IntakeResult>>;

  constructor(
    private readonly db: Database,
    private readonly complaints: ComplaintsRepository,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = contactCipher(config);
    this.hasher = trackingCodeHasher(config);
    this.batches = new GroupCommit(db, (em, intakes) => this.writeBatch(em, intakes));
  }

  /** The public form: always channel web, received now. */
  async submitPublic(dto: PublicComplaintDto): Promise<IntakeResult> {
    if (dto.website && dto.website.trim() !== '') return this.decoy(dto.cityId);
    const { reference, trackingCode } = await this.create(PUBLIC_ACTOR, dto, 'web', this.clock.now());
    return { reference, trackingCode };
  }

  /** A council member or admin entering a paper form, call or outreach contact. */
  async submitStaff(actor: Actor, dto: StaffComplaintDto): Promise<IntakeResult> {
    assertMayEnterComplaintFor(actor, dto.cityId);
    const now = this.clock.now();
    let receivedAt = now;
    if (dto.receivedAt !== undefined) {
      const today = dateInZone(now, this.config.timeZone);
      if (dto.receivedAt > today) throw invalid(`receivedAt must not be in the future (today is ${today})`, { field: 'receivedAt', reason: 'date_out_of_range' });
      if (dto.receivedAt < EARLIEST_DATE) throw invalid(`receivedAt must be on or after ${EARLIEST_DATE}`, { field: 'receivedAt', reason: 'date_out_of_range' });
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
      if (dto.incidentDate > today) throw invalid(`incidentDate must not be in the future (today is ${today})`, { field: 'incidentDate', reason: 'date_out_of_range' });
      if (dto.incidentDate > receivedDay) throw invalid('incidentDate must not be after the day the complaint was received', { field: 'incidentDate', reason: 'date_out_of_range' });
      if (dto.incidentDate < EARLIEST_DATE) throw invalid(`incidentDate must be on or after ${EARLIEST_DATE}`, { field: 'incidentDate', reason: 'date_out_of_range' });
    }
    return this.batches.submit({ actor, dto, channel, receivedAt, receivedDay, contact: cleanContact(dto.contact), trackingCode: generateTrackingCode() });
  }

  /**
   * Writes a batch of intakes in one transaction with one statement per table (see GroupCommit):
   * an intake whose city or facility does not exist is refused on its own.
   */
  private async writeBatch(em: EntityManager, intakes: PendingIntake[]): Promise<BatchOutcome<Required<IntakeResult>>[]> {
    const cities = new Map((await em.find(City, { where: { id: In(unique(intakes.map((x) => x.dto.cityId))) } })).map((c) => [c.id, c]));
    const facilityIds = unique(intakes.flatMap((x) => (x.dto.facilityId === undefined ? [] : [x.dto.facilityId])));
    const facilities = new Map(
      facilityIds.length ? (await em.find(Facility, { where: { id: In(facilityIds) }, select: { id: true, cityId: true } })).map((f) => [f.id, f.cityId]) : [],
    );
    const outcomes: BatchOutcome<Required<IntakeResult>>[] = [];
    const accepted: { x: PendingIntake; i: number; city: City }[] = [];
    intakes.forEach((x, i) => {
      const city = cities.get(x.dto.cityId);
      if (!city) outcomes[i] = { refused: invalid('cityId does not name a city (see GET /api/v1/public/cities)', { field: 'cityId', reason: 'unknown_city' }) };
      else if (x.dto.facilityId !== undefined && facilities.get(x.dto.facilityId) !== city.id) {
        outcomes[i] = { refused: invalid('facilityId does not name a facility in this city (see GET /api/v1/public/facilities?city=)', { field: 'facilityId', reason: 'facility_not_in_city' }) };
      } else accepted.push({ x, i, city });
    });
    if (!accepted.length) return outcomes;

    // References: one counter upsert per city and year in the batch, numbers in arrival order.
    const groups = new Map<string, typeof accepted>();
    for (const a of accepted) {
      const key = `${a.city.id}:${a.x.receivedDay.slice(0, 4)}`;
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    const references: string[] = [];
    for (const group of groups.values()) {
      const { city, x } = group[0];
      const first = await this.complaints.reserveReferences(em, city.id, Number(x.receivedDay.slice(0, 4)), group.length);
      group.forEach((a, n) => (references[a.i] = `${city.code}-${a.x.receivedDay.slice(2, 4)}-${String(first + n).padStart(4, '0')}`));
    }

    const tz = this.config.timeZone;
    const now = this.clock.now();
    const ids = await this.complaints.insertMany(
      em,
      accepted.map(({ x, i }) => ({
        reference: references[i],
        trackingHash: this.hasher.hash(references[i], normaliseTrackingCode(x.trackingCode)!),
        channel: x.channel,
        cityId: x.dto.cityId,
        facilityId: x.dto.facilityId ?? null,
        category: x.dto.category,
        description: x.dto.description,
        desiredOutcome: x.dto.desiredOutcome?.trim() ? x.dto.desiredOutcome : null,
        incidentDate: x.dto.incidentDate ?? null,
        keyPopulations: x.dto.keyPopulations ?? [],
        gender: x.dto.gender ?? null,
        ageGroup: x.dto.ageGroup ?? null,
        responsiblePartyType: x.dto.responsiblePartyType ?? null,
        contactEnc: null,
        contactErasedAt: null,
        mayContact: x.dto.consents?.mayContact ?? false,
        discloseIdentityToFacility: x.dto.consents?.discloseIdentityToFacility ?? false,
        priority: 'normal',
        status: 'received',
        receivedAt: x.receivedAt,
        receivedQuarter: quarterInZone(x.receivedAt, tz),
        createdBy: x.actor.userId,
        createdAt: now,
        updatedAt: now,
        version: 1,
      })),
    );
    const rows = accepted.map((a) => ({ ...a, id: ids.get(references[a.i])! }));
    // Encrypted once the ids exist, so each ciphertext is bound to its own row.
    await this.complaints.setContacts(
      em,
      rows.filter((r) => r.x.contact).map((r) => ({ id: r.id, contactEnc: this.cipher.encrypt(JSON.stringify(r.x.contact), contactAad(r.id)) })),
    );
    await this.complaints.insertKeyPopulations(
      em,
      rows.flatMap((r) => (r.x.dto.keyPopulations ?? []).map((keyPopulation) => ({ complaintId: r.id, keyPopulation }))),
    );
    await this.workflow.addEvents(
      em,
      rows.map((r) => ({ actor: r.x.actor.kind === 'public' ? null : r.x.actor, complaintId: r.id, event: { type: 'submitted', public: true, data: { channel: r.x.channel } } })),
    );
    await this.audit.recordMany(
      em,
      rows.map((r) => ({
        actor: r.x.actor,
        action: 'complaint.submit',
        entity: 'complaint',
        entityId: r.id,
        details: { channel: r.x.channel, cityId: r.city.id, hasContact: r.x.contact !== null },
      })),
    );
    for (const r of rows) outcomes[r.i] = { ok: { id: r.id, reference: references[r.i], trackingCode: r.x.trackingCode } };
    return outcomes;
  }

  /** What a bot that filled the honeypot sees: a plausible answer, nothing stored. */
  private async decoy(cityId: number): Promise<IntakeResult> {
    const city = await this.db.manager.findOne(City, { where: { id: cityId } });
    if (!city) throw invalid('cityId does not name a city (see GET /api/v1/public/cities)', { field: 'cityId', reason: 'unknown_city' });
    this.logger.warn('Public complaint discarded: honeypot field was filled');
    const yy = dateInZone(this.clock.now(), this.config.timeZone).slice(2, 4);
    return { reference: `${city.code}-${yy}-${String(randomInt(1, 10_000)).padStart(4, '0')}`, trackingCode: generateTrackingCode() };
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
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
