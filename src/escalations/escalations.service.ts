import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../auth/actor';
import { Clock } from '../common/clock';
import { FieldCipher, randomToken, sha256Hex } from '../common/crypto';
import { conflict, DomainError, notFound } from '../common/domain-errors';
import { canSeeComplaint } from '../complaints/complaint-scope';
import { ComplaintWorkflowService } from '../complaints/complaint-workflow.service';
import { Complaint } from '../complaints/complaint.entity';
import { Council } from '../councils/council.entity';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { Facility } from '../facilities/facility.entity';
import { mailDomain } from '../mail/mail-transport.service';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { Escalation } from './escalation.entity';
import { cancelPendingSteps, DAY_MS, escalationKey, scheduleSend } from './escalation-steps';
import { EscalationView, EscalationsRepository } from './escalations.repository';

const REMINDERS = ['reminder1', 'reminder2'];

export const tokenAad = (escalationId: number) => `escalations.token_enc.${escalationId}`;

/**
 * Escalations: taking a complaint to a facility, the facility's answer, and the ladder's next rung.
 * Every change commits together with its timeline entry, audit event and outbox records; Redis is
 * only reached afterwards by the relay.
 */
@Injectable()
export class EscalationsService {
  private readonly tokenCipher: FieldCipher;
  readonly domain: string;

  constructor(
    private readonly db: Database,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly relay: OutboxRelay,
    private readonly repo: EscalationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.tokenCipher = FieldCipher.fromSecret(config.appSecret, 'response-link');
    this.domain = mailDomain(config.mailFrom);
  }

  async escalate(actor: Actor, complaintId: number, input: { facilityId: number; summary: string }): Promise<EscalationView> {
    const id = await this.db.transaction(async (em) => {
      const complaint = await em.findOne(Complaint, { where: { id: complaintId } });
      if (!complaint || !canSeeComplaint(actor, complaint)) throw notFound('Complaint');
      const facility = await em.findOne(Facility, { where: { id: input.facilityId } });
      if (!facility) throw notFound('Facility');
      const esc = await this.createInTx(em, actor, complaint, facility, input.summary.trim(), null);
      return esc.id;
    });
    this.relay.nudge();
    return (await this.repo.view(id, true))!;
  }

  /**
   * The escalation row, its link token, the complaint's transition (timeline + audit) and the
   * facility's mails (initial now, reminders at half the SLA and one day before the due date).
   */
  async createInTx(em: EntityManager, actor: Actor, complaint: Complaint, facility: Facility, summary: string, parent: Escalation | null): Promise<Escalation> {
    const now = this.clock.now();
    const dueAt = new Date(now.getTime() + facility.slaDays * DAY_MS);
    const token = randomToken(32);
    const inserted = await em.insert(Escalation, {
      complaintId: complaint.id,
      cityId: complaint.cityId,
      facilityId: facility.id,
      rung: parent ? parent.rung + 1 : 1,
      parentEscalationId: parent?.id ?? null,
      summary,
      discloseIdentity: complaint.discloseIdentityToFacility,
      dueAt,
      deliveryState: 'queued',
      responseState: 'awaiting',
      response: null,
      respondedAt: null,
      respondedBy: null,
      tokenHash: sha256Hex(token),
      tokenEnc: null,
      tokenExpiresAt: new Date(dueAt.getTime() + this.config.responseLinkGraceDays * DAY_MS),
      tokenUsedAt: null,
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
      lastError: null,
    });
    const id = Number(inserted.identifiers[0].id);
    await em.update(Escalation, { id }, { tokenEnc: this.tokenCipher.encrypt(token, tokenAad(id)) });
    const rung = parent ? parent.rung + 1 : 1;
    await this.workflow.transition(em, actor, {
      complaintId: complaint.id,
      action: 'escalate',
      event: { type: 'escalated', public: true, data: { escalationId: id, facilityId: facility.id, rung } },
      auditDetails: { escalationId: id, facilityId: facility.id, rung },
    });
    await this.audit.record(em, actor, {
      action: parent ? 'escalation.ladder' : 'escalation.create',
      entity: 'escalation',
      entityId: id,
      details: { complaintId: complaint.id, facilityId: facility.id, rung, parentEscalationId: parent?.id ?? null, slaDays: facility.slaDays },
    });
    const key = escalationKey(id);
    await scheduleSend(em, now, this.domain, { subjectKey: key, step: 'initial', audience: 'facility', escalationId: id, dueAt: now }, true);
    const half = new Date(now.getTime() + (facility.slaDays * DAY_MS) / 2);
    const dayBefore = new Date(dueAt.getTime() - DAY_MS);
    await scheduleSend(em, now, this.domain, { subjectKey: key, step: 'reminder1', audience: 'facility', escalationId: id, dueAt: half }, true);
    // With a short SLA the day-before reminder would fall on or before the first one: skip it.
    if (dayBefore.getTime() > half.getTime()) {
      await scheduleSend(em, now, this.domain, { subjectKey: key, step: 'reminder2', audience: 'facility', escalationId: id, dueAt: dayBefore }, true);
    }
    return (await em.findOne(Escalation, { where: { id } }))!;
  }

  /** A facility admin (own facility) or an admin answers through the API. */
  async respondAsStaff(actor: Actor, escalationId: number, response: string): Promise<EscalationView> {
    await this.db.transaction(async (em) => {
      const esc = await em.findOne(Escalation, { where: { id: escalationId } });
      if (!esc || !(actor.kind === 'admin' || (actor.kind === 'facility_admin' && actor.facilityId === esc.facilityId))) throw notFound('Escalation');
      await this.respondInTx(em, actor, esc, response.trim(), 'account');
    });
    this.relay.nudge();
    return (await this.repo.view(escalationId, true))!;
  }

  /** The holder of a valid link answers; the link is consumed. */
  async respondByLink(token: string, response: string): Promise<{ escalationId: number; reference: string; responseState: string }> {
    const result = await this.db.transaction(async (em) => {
      const esc = await this.findByToken(em, token);
      const actor: Actor = { kind: 'facility_link', userId: null, facilityId: esc.facilityId };
      await this.respondInTx(em, actor, esc, response.trim(), 'link');
      const complaint = await em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
      return { escalationId: esc.id, reference: complaint.reference, responseState: 'responded' };
    });
    this.relay.nudge();
    return result;
  }

  /** Looks a link up without changing anything (mail scanners open links too). */
  async findByToken(em: EntityManager, token: string): Promise<Escalation> {
    const esc = await em.findOne(Escalation, { where: { tokenHash: sha256Hex(token) } });
    if (!esc) throw notFound('Response link');
    if (esc.tokenUsedAt) throw new DomainError('GONE', 'This response link was already used; the response has been recorded');
    if (esc.tokenExpiresAt.getTime() <= this.clock.now().getTime()) throw new DomainError('GONE', 'This response link has expired; please contact the council');
    return esc;
  }

  private async respondInTx(em: EntityManager, actor: Actor, esc: Escalation, response: string, via: 'link' | 'account'): Promise<void> {
    if (esc.responseState === 'responded') throw conflict('This escalation was already answered');
    const now = this.clock.now();
    const qb = em
      .createQueryBuilder()
      .update(Escalation)
      .set({
        responseState: 'responded',
        response,
        respondedAt: now,
        respondedBy: actor.userId,
        tokenEnc: null,
        updatedAt: now,
        ...(via === 'link' ? { tokenUsedAt: now } : {}),
      })
      .where('id = :id AND response_state = :state', { id: esc.id, state: esc.responseState });
    if (via === 'link') qb.andWhere('token_used_at IS NULL');
    const res = await qb.execute();
    if (!res.affected) throw conflict('This escalation changed while you were answering; reload and try again');
    const complaint = await em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
    const event = { type: 'responded', public: true, data: { escalationId: esc.id, via } };
    if (complaint.status === 'escalated') {
      await this.workflow.transition(em, actor, { complaintId: complaint.id, action: 'respond', event, auditDetails: { escalationId: esc.id, via } });
    } else {
      // Another rung already answered or the council moved on: keep the answer on the timeline.
      await this.workflow.addEvent(em, actor, complaint.id, event);
    }
    await cancelPendingSteps(em, esc.id, REMINDERS, now);
    await this.audit.record(em, actor, { action: 'escalation.respond', entity: 'escalation', entityId: esc.id, details: { via, complaintId: complaint.id } });
    await scheduleSend(em, now, this.domain, {
      subjectKey: escalationKey(esc.id),
      step: 'council-responded',
      audience: 'council',
      escalationId: esc.id,
      councilId: await councilIdOfCity(em, complaint.cityId),
      dueAt: now,
    });
  }

  /** The SLA breach of one escalation: overdue, notices, and the next rung. Returns false if already handled. */
  async breachInTx(em: EntityManager, escalationId: number): Promise<boolean> {
    const now = this.clock.now();
    const res = await em
      .createQueryBuilder()
      .update(Escalation)
      .set({ responseState: 'overdue', updatedAt: now })
      .where('id = :id AND response_state = :s AND due_at <= :now', { id: escalationId, s: 'awaiting', now: now.getTime() })
      .execute();
    if (!res.affected) return false;
    const esc = await em.findOneOrFail(Escalation, { where: { id: escalationId } });
    const complaint = await em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
    const facility = await em.findOneOrFail(Facility, { where: { id: esc.facilityId } });
    await cancelPendingSteps(em, esc.id, REMINDERS, now);
    await this.workflow.addEvent(em, SYSTEM_ACTOR, complaint.id, { type: 'overdue', public: false, data: { escalationId: esc.id, facilityId: facility.id } });
    await this.audit.record(em, SYSTEM_ACTOR, { action: 'escalation.overdue', entity: 'escalation', entityId: esc.id, details: { complaintId: complaint.id, facilityId: facility.id } });
    const key = escalationKey(esc.id);
    await scheduleSend(em, now, this.domain, { subjectKey: key, step: 'overdue', audience: 'facility', escalationId: esc.id, dueAt: now });
    await scheduleSend(em, now, this.domain, {
      subjectKey: key,
      step: 'council-overdue',
      audience: 'council',
      escalationId: esc.id,
      councilId: await councilIdOfCity(em, complaint.cityId),
      dueAt: now,
    });
    if (facility.parentId && complaint.status === 'escalated') {
      const parent = await em.findOne(Facility, { where: { id: facility.parentId } });
      if (parent) await this.createInTx(em, SYSTEM_ACTOR, complaint, parent, esc.summary, esc);
    }
    return true;
  }

  /** An escalation whose complaint moved on (resolved, reopened, answered elsewhere) needs no more reminders. */
  async supersedeInTx(em: EntityManager, escalationId: number): Promise<boolean> {
    const now = this.clock.now();
    const res = await em
      .createQueryBuilder()
      .update(Escalation)
      .set({ responseState: 'superseded', updatedAt: now })
      .where('id = :id AND response_state = :s', { id: escalationId, s: 'awaiting' })
      .execute();
    if (!res.affected) return false;
    await cancelPendingSteps(em, escalationId, REMINDERS, now);
    await this.audit.record(em, SYSTEM_ACTOR, { action: 'escalation.superseded', entity: 'escalation', entityId: escalationId });
    return true;
  }

  decryptToken(esc: Escalation): string | null {
    if (!esc.tokenEnc) return null;
    return this.tokenCipher.decrypt(esc.tokenEnc, tokenAad(esc.id));
  }

  linkUrl(token: string): string {
    // Built from PUBLIC_URL only, never from a request's Host header.
    return `${this.config.publicUrl}/respond/${token}`;
  }
}

export async function councilIdOfCity(em: EntityManager, cityId: number): Promise<number | null> {
  const council = await em.findOne(Council, { where: { cityId } });
  return council?.id ?? null;
}
