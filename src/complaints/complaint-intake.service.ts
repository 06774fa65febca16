import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { In } from 'typeorm';
import { Actor, PUBLIC_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { FieldCipher } from '../common/crypto';
import { dateInZone, startOfDayInZone } from '../common/dates';
import { conflict, DomainError, invalid } from '../common/domain-errors';
import { assertMayEnterComplaintFor, canUseSlip } from '../access/access-policy';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { City } from '../councils/city.entity';
import { Database } from '../database/database.service';
import { UnitOfWork } from '../database/unit-of-work';
import { Facility } from '../facilities/facility.entity';
import { contactAad, contactCipher, ContactDetails, notifyChatAad } from './contact-cipher';
import { keyRingFor } from '../keys/key-ring';
import { ComplaintWorkflowService } from './complaint-workflow.service';
import { ComplaintKeyPopulation } from './complaint-key-population.entity';
import { Complaint } from './complaint.entity';
import { complaintRow } from './complaint-row';
import { formatReference } from './complaint-reference';
import { ComplaintsRepository } from './complaints.repository';
import { Channel } from './complaint.constants';
import { normaliseReference } from './public-code';
import { Slip } from './slip.entity';
import { ComplaintFieldsDto, ContactDto, PublicComplaintDto, StaffComplaintDto } from './dto/create-complaint.dto';
import { generateTrackingCode, normaliseTrackingCode, TrackingCodeHasher, trackingCodeHasher } from './tracking-code';

export interface IntakeResult {
  /** Given to staff only (they go on to triage it); the public answer carries no id. */
  id?: number;
  reference: string;
  /** Shown once; only its keyed hash is stored. Null for a slip: its code is on the person's tear-off. */
  trackingCode: string | null;
}

/** An intake checked and ready to write, waiting for its batch. */
interface PendingIntake {
  actor: Actor;
  dto: ComplaintFieldsDto;
  channel: Channel;
  receivedAt: Date;
  receivedDay: string;
  contact: ContactDetails | null;
  trackingCode: string | null;
  /** The pre-issued reference of a complaint-box slip (canonical), when the complaint came on one. */
  slipReference: string | null;
  notify?: TelegramNotify;
}

/** A Telegram chat that asked for neutral news about its complaint (stored encrypted). */
export interface TelegramNotify {
  chatId: string;
  chatKey: string;
  language: string;
}

/** Earliest date accepted for an incident or a backdated receipt; older is a typing mistake. */
const EARLIEST_DATE = '2000-01-01';

@Injectable()
export class ComplaintIntakeService {
  private readonly logger = new Logger(ComplaintIntakeService.name);
  private readonly cipher: FieldCipher;
  private readonly chatCipher: FieldCipher;
  private readonly hasher: TrackingCodeHasher;
  /** Intakes arriving together share one write transaction. */
  private readonly write: (intake: PendingIntake) => Promise<Required<IntakeResult>>;

  constructor(
    private readonly db: Database,
    private readonly complaints: ComplaintsRepository,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = contactCipher(config);
    this.chatCipher = keyRingFor(config).cipher('telegram');
    this.hasher = trackingCodeHasher(config);
    this.write = db.command({ check: (uow, items) => this.check(uow, items), apply: (uow, items) => this.apply(uow, items) });
  }

  /** The public form: always channel web, received now. */
  async submitPublic(dto: PublicComplaintDto): Promise<IntakeResult & { trackingCode: string }> {
    if (dto.website && dto.website.trim() !== '') return this.decoy(dto.cityId);
    const { reference, trackingCode } = await this.create(PUBLIC_ACTOR, dto, 'web', this.clock.now());
    return { reference, trackingCode: trackingCode! };
  }

  /**
   * The Telegram bot: the public form's rules (the caller validated a PublicComplaintDto), channel
   * telegram, received now, with the chat to notify when the person opted in.
   */
  async submitTelegram(dto: PublicComplaintDto, notify: TelegramNotify | null): Promise<IntakeResult & { trackingCode: string }> {
    const { reference, trackingCode } = await this.create(PUBLIC_ACTOR, dto, 'telegram', this.clock.now(), { notify: notify ?? undefined });
    return { reference, trackingCode: trackingCode! };
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
    let slipReference: string | null = null;
    if (dto.slipReference !== undefined && dto.slipReference.trim() !== '') {
      slipReference = normaliseReference(dto.slipReference);
      if (!slipReference) throw invalid('slipReference looks like BKH-26-0042 (the number printed on the slip)', { field: 'slipReference', reason: 'slip_unknown' });
    }
    return this.create(actor, dto, dto.channel ?? 'paper_form', receivedAt, { slipReference });
  }

  private async create(actor: Actor, dto: ComplaintFieldsDto, channel: Channel, receivedAt: Date, via: { slipReference?: string | null; notify?: TelegramNotify } = {}): Promise<Required<IntakeResult>> {
    const tz = this.config.timeZone;
    const receivedDay = dateInZone(receivedAt, tz);
    if (dto.incidentDate !== undefined) {
      const today = dateInZone(this.clock.now(), tz);
      if (dto.incidentDate > today) throw invalid(`incidentDate must not be in the future (today is ${today})`, { field: 'incidentDate', reason: 'date_out_of_range' });
      if (dto.incidentDate > receivedDay) throw invalid('incidentDate must not be after the day the complaint was received', { field: 'incidentDate', reason: 'date_out_of_range' });
      if (dto.incidentDate < EARLIEST_DATE) throw invalid(`incidentDate must be on or after ${EARLIEST_DATE}`, { field: 'incidentDate', reason: 'date_out_of_range' });
    }
    const slipReference = via.slipReference ?? null;
    return this.write({ actor, dto, channel, receivedAt, receivedDay, contact: cleanContact(dto.contact), trackingCode: slipReference ? null : generateTrackingCode(), slipReference, notify: via.notify });
  }

  /** Refuses, one by one, intakes whose city or facility does not exist; the rest are written together. */
  private async check(uow: UnitOfWork, intakes: PendingIntake[]): Promise<(Error | null)[]> {
    const { cities, facilityCity, slips } = await this.places(uow, intakes);
    const claimed = new Set<string>();
    return intakes.map((x) => {
      const slipRefusal = x.slipReference ? this.slipRefusal(x, slips.get(x.slipReference), uow.now, claimed) : null;
      if (slipRefusal) return slipRefusal;
      const city = cities.get(x.dto.cityId);
      if (!city) return invalid('cityId does not name a city (see GET /api/v1/public/cities)', { field: 'cityId', reason: 'unknown_city' });
      if (x.dto.facilityId !== undefined && facilityCity.get(x.dto.facilityId) !== city.id) {
        return invalid('facilityId does not name a facility in this city (see GET /api/v1/public/facilities?city=)', { field: 'facilityId', reason: 'facility_not_in_city' });
      }
      return null;
    });
  }

  /** Why a slip cannot take this complaint, or null (and it is claimed for this batch). */
  private slipRefusal(x: PendingIntake, slip: Slip | undefined, now: Date, claimed: Set<string>): DomainError | null {
    const target = { field: 'slipReference' };
    if (!slip || !canUseSlip(x.actor, slip, x.dto.cityId)) return new DomainError('NOT_FOUND', 'Slip not found: check the number printed on it and the city', { ...target, reason: 'slip_unknown' });
    if (slip.usedAt || claimed.has(slip.reference)) return new DomainError('CONFLICT', 'This slip was already entered: each slip takes one complaint', { ...target, reason: 'slip_used' });
    if (slip.expiresAt.getTime() <= now.getTime()) return new DomainError('CONFLICT', 'This slip has expired: enter the complaint without it and give the person a new code', { ...target, reason: 'slip_expired' });
    claimed.add(slip.reference);
    return null;
  }

  /**
   * The accepted intakes of a batch: references from one counter upsert per city and year (in
   * arrival order), ids reserved first so each contact ciphertext is bound to its own row, then
   * the complaints, key populations, timeline and audit rows appended to the unit of work.
   */
  private async apply(uow: UnitOfWork, intakes: PendingIntake[]): Promise<Required<IntakeResult>[]> {
    const { cities, slips } = await this.places(uow, intakes);
    const references: string[] = [];
    const groups = new Map<string, number[]>();
    intakes.forEach((x, i) => {
      // A slip's complaint takes the reference printed on it; the counter moved when it was printed.
      if (x.slipReference) return void (references[i] = x.slipReference);
      const key = `${x.dto.cityId}:${x.receivedDay.slice(0, 4)}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const members of groups.values()) {
      const { dto, receivedDay } = intakes[members[0]];
      const first = await this.complaints.reserveReferences(uow.em, dto.cityId, Number(receivedDay.slice(0, 4)), members.length);
      members.forEach((i, n) => (references[i] = formatReference(cities.get(dto.cityId)!.code, Number(receivedDay.slice(0, 4)), first + n)));
    }
    const ids = await uow.reserveIds(Complaint, intakes.length);
    await this.claimSlips(uow, intakes, ids);
    uow.append(
      Complaint,
      intakes.map((x, i) =>
        complaintRow(
          {
            id: ids[i],
            reference: references[i],
            trackingHash: x.slipReference ? slips.get(x.slipReference)!.codeHash : this.hasher.hash(references[i], normaliseTrackingCode(x.trackingCode!)!),
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
            contactEnc: x.contact ? this.cipher.encrypt(JSON.stringify(x.contact), contactAad(ids[i])) : null,
            notifyChatEnc: x.notify ? this.chatCipher.encrypt(x.notify.chatId, notifyChatAad(ids[i])) : null,
            notifyChatKey: x.notify?.chatKey ?? null,
            notifyLanguage: x.notify?.language ?? null,
            mayContact: x.dto.consents?.mayContact ?? false,
            discloseIdentityToFacility: x.dto.consents?.discloseIdentityToFacility ?? false,
            receivedAt: x.receivedAt,
            createdBy: x.actor.userId,
            createdAt: uow.now,
            updatedAt: uow.now,
          },
          this.config.timeZone,
        ),
      ),
    );
    uow.append(
      ComplaintKeyPopulation,
      intakes.flatMap((x, i) => (x.dto.keyPopulations ?? []).map((keyPopulation) => ({ complaintId: ids[i], keyPopulation }))),
    );
    this.workflow.addEvent(
      uow,
      intakes.map((x, i) => ({ actor: x.actor.kind === 'public' ? null : x.actor, complaintId: ids[i], event: { type: 'submitted', public: true, data: { channel: x.channel } } })),
    );
    this.audit.record(
      uow,
      intakes.map((x, i) => ({
        actor: x.actor,
        action: 'complaint.submit',
        entity: 'complaint',
        entityId: ids[i],
        details: { channel: x.channel, cityId: x.dto.cityId, hasContact: x.contact !== null, ...(x.slipReference ? { slip: true } : {}), ...(x.notify ? { notify: 'telegram' } : {}) },
      })),
    );
    return intakes.map((x, i) => ({ id: ids[i], reference: references[i], trackingCode: x.trackingCode }));
  }

  /**
   * Marks the batch's slips used, each on the condition that it still is not: a concurrent
   * transaction (PostgreSQL) that took one first makes this one fail, and each call runs again
   * alone, where the check refuses it.
   */
  private async claimSlips(uow: UnitOfWork, intakes: PendingIntake[], ids: number[]): Promise<void> {
    for (const [i, x] of intakes.entries()) {
      if (!x.slipReference) continue;
      const res = await uow.em
        .createQueryBuilder()
        .update(Slip)
        .set({ usedAt: uow.now, complaintId: ids[i] })
        .where('reference = :reference AND used_at IS NULL', { reference: x.slipReference })
        .execute();
      if (res.affected !== 1) throw conflict('This slip was already entered: each slip takes one complaint');
    }
  }

  /** The cities and facilities a batch names, read once per unit of work. */
  private places(uow: UnitOfWork, intakes: PendingIntake[]) {
    return uow.memo('intake.places', async () => {
      const cities = new Map((await uow.em.find(City, { where: { id: In(unique(intakes.map((x) => x.dto.cityId))) } })).map((c) => [c.id, c]));
      const facilityIds = unique(intakes.flatMap((x) => (x.dto.facilityId === undefined ? [] : [x.dto.facilityId])));
      const facilities = facilityIds.length ? await uow.em.find(Facility, { where: { id: In(facilityIds) }, select: { id: true, cityId: true } }) : [];
      const slipRefs = unique(intakes.flatMap((x) => (x.slipReference ? [x.slipReference] : [])));
      const slips = slipRefs.length ? await uow.em.find(Slip, { where: { reference: In(slipRefs) } }) : [];
      return { cities, facilityCity: new Map(facilities.map((f) => [f.id, f.cityId])), slips: new Map(slips.map((s) => [s.reference, s])) };
    });
  }

  /** What a bot that filled the honeypot sees: a plausible answer, nothing stored. */
  private async decoy(cityId: number): Promise<IntakeResult & { trackingCode: string }> {
    const city = await this.db.manager.findOne(City, { where: { id: cityId } });
    if (!city) throw invalid('cityId does not name a city (see GET /api/v1/public/cities)', { field: 'cityId', reason: 'unknown_city' });
    this.logger.warn('Public complaint discarded: honeypot field was filled');
    return { reference: formatReference(city.code, Number(dateInZone(this.clock.now(), this.config.timeZone).slice(0, 4)), randomInt(1, 10_000)), trackingCode: generateTrackingCode() };
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
