import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { assertComplaintVisible, assertMayEscalateTo, assertMayRespond, mayDiscloseIdentity } from '../access/access-policy';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../auth/actor';
import { conflict } from '../common/domain-errors';
import { ComplaintWorkflowService, TimelineEvent } from '../complaints/complaint-workflow.service';
import { Complaint } from '../complaints/complaint.entity';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Council } from '../councils/council.entity';
import { Database } from '../database/database.service';
import { Many, many, UnitOfWork } from '../database/unit-of-work';
import { Facility } from '../facilities/facility.entity';
import { escalationKey, FACILITY_REMINDERS, NewSend } from '../notifications/notification-steps';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { ContactReader } from './contact-reader';
import { Escalation } from './escalation.entity';
import { EscalationView, EscalationsRepository } from './escalations.repository';
import { assertSummaryIsFacilitySafe, summaryTemplate } from './facility-summary';
import { ResponseLinks } from './response-links';

export const DAY_MS = 86_400_000;

interface EscalateRequest {
  actor: Actor;
  complaintId: number;
  facilityId: number;
  summary: string;
}

export interface NewEscalation {
  actor: Actor;
  complaint: Complaint;
  facility: Facility;
  summary: string;
  /** The rung below, when the ladder takes a complaint up. */
  parent: Escalation | null;
}

export interface EscalationDraft {
  complaintId: number;
  facilityId: number;
  facilityName: string;
  language: string;
  /** The neutral, third-person summary offered for this facility, in its language. */
  summary: string;
  /** Whether this escalation would carry the complainant's identity and contact. */
  identityDisclosed: boolean;
}

/**
 * Escalations: taking a complaint to a facility, the facility's answer, and the ladder's next rung.
 * Every change commits together with its timeline entry, audit event and mail steps; Redis is only
 * reached afterwards by the relay.
 */
@Injectable()
export class EscalationsService {
  /** Escalate calls arriving together share one write transaction. */
  private readonly write: (request: EscalateRequest) => Promise<number>;

  constructor(
    private readonly db: Database,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
    private readonly repo: EscalationsRepository,
    private readonly contacts: ContactReader,
    private readonly links: ResponseLinks,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.write = db.command({ check: (uow, items) => this.check(uow, items), apply: (uow, items) => this.apply(uow, items) });
  }

  async escalate(actor: Actor, complaintId: number, input: { facilityId: number; summary: string }): Promise<EscalationView> {
    const id = await this.write({ actor, complaintId, facilityId: input.facilityId, summary: input.summary.trim() });
    this.relay.nudge();
    return (await this.repo.view(actor, id, true))!;
  }

  /**
   * What the member sees before sending: the neutral summary for this facility in its language, and
   * whether the facility will learn who the complainant is. Changes nothing.
   */
  async draft(actor: Actor, complaintId: number, facilityId: number): Promise<EscalationDraft> {
    const em = this.db.manager;
    const complaint = assertComplaintVisible(actor, await em.findOne(Complaint, { where: { id: complaintId } }));
    const facility = assertMayEscalateTo(actor, complaint, await em.findOne(Facility, { where: { id: facilityId } }));
    return {
      complaintId,
      facilityId: facility.id,
      facilityName: facility.name,
      language: facility.language,
      summary: summaryTemplate(complaint.category, facility),
      identityDisclosed: mayDiscloseIdentity(complaint, facility, 1),
    };
  }

  /** Scope, target, state and summary of each call, against the records as they stand. */
  private async check(uow: UnitOfWork, requests: EscalateRequest[]): Promise<(Error | null)[]> {
    const { complaints, facilities } = await this.records(uow, requests);
    return requests.map((r) => {
      try {
        const complaint = assertComplaintVisible(r.actor, complaints.get(r.complaintId) ?? null);
        assertMayEscalateTo(r.actor, complaint, facilities.get(r.facilityId) ?? null);
        const refused = this.workflow.refusal(complaint.status, 'escalate', r.actor);
        if (refused) return refused;
        assertSummaryIsFacilitySafe(r.summary, [complaint.description, complaint.desiredOutcome], this.contacts.read(complaint));
        return null;
      } catch (err) {
        return err as Error;
      }
    });
  }

  private async apply(uow: UnitOfWork, requests: EscalateRequest[]): Promise<number[]> {
    const { complaints, facilities } = await this.records(uow, requests);
    return this.create(
      uow,
      requests.map((r) => ({ actor: r.actor, complaint: complaints.get(r.complaintId)!, facility: facilities.get(r.facilityId)!, summary: r.summary, parent: null })),
    );
  }

  /** The complaints and facilities a batch names, read once per unit of work (one entity per id). */
  private records(uow: UnitOfWork, requests: EscalateRequest[]) {
    return uow.memo('escalate.records', async () => {
      const complaints = await uow.em.find(Complaint, { where: { id: In([...new Set(requests.map((r) => r.complaintId))]) } });
      const facilities = await uow.em.find(Facility, { where: { id: In([...new Set(requests.map((r) => r.facilityId))]) } });
      return { complaints: new Map(complaints.map((c) => [c.id, c])), facilities: new Map(facilities.map((f) => [f.id, f])) };
    });
  }

  /**
   * The escalations (ids reserved first, so each link token is encrypted for its own row), the
   * complaints' transitions, the audit events and the facilities' mails: initial now, reminders at
   * half the SLA and one day before the due date. Answers the new ids in order.
   */
  async create(uow: UnitOfWork, escalations: Many<NewEscalation>): Promise<number[]> {
    const items = many(escalations);
    const ids = await uow.reserveIds(Escalation, items.length);
    const rows = items.map(({ actor, complaint, facility, summary, parent }, n) => {
      const rung = parent ? parent.rung + 1 : 1;
      const dueAt = new Date(uow.now.getTime() + facility.slaDays * DAY_MS);
      const { tokenHash, tokenEnc } = this.links.issue(ids[n]);
      return {
        id: ids[n],
        complaintId: complaint.id,
        cityId: complaint.cityId,
        facilityId: facility.id,
        rung,
        parentEscalationId: parent?.id ?? null,
        summary,
        identityDisclosed: mayDiscloseIdentity(complaint, facility, rung),
        dueAt,
        deliveryState: 'queued' as const,
        responseState: 'awaiting' as const,
        response: null,
        respondedAt: null,
        respondedBy: null,
        tokenHash,
        tokenEnc,
        tokenExpiresAt: new Date(dueAt.getTime() + this.config.responseLinkGraceDays * DAY_MS),
        tokenUsedAt: null,
        createdBy: actor.userId,
        createdAt: uow.now,
        updatedAt: uow.now,
        lastError: null,
      };
    });
    uow.append(Escalation, rows);
    await this.workflow.transition(
      uow,
      items.map(({ actor, complaint, facility }, n) => ({
        actor,
        complaint,
        req: {
          action: 'escalate' as const,
          event: { type: 'escalated', public: true, data: { escalationId: ids[n], facilityId: facility.id, rung: rows[n].rung } },
          auditDetails: { escalationId: ids[n], facilityId: facility.id, rung: rows[n].rung },
        },
      })),
    );
    this.audit.record(
      uow,
      items.map(({ actor, complaint, facility, parent }, n) => ({
        actor,
        action: parent ? 'escalation.ladder' : 'escalation.create',
        entity: 'escalation',
        entityId: ids[n],
        details: { complaintId: complaint.id, facilityId: facility.id, rung: rows[n].rung, parentEscalationId: parent?.id ?? null, slaDays: facility.slaDays, identityDisclosed: rows[n].identityDisclosed },
      })),
    );
    await this.notifications.schedule(uow, rows.flatMap((row, n) => facilitySteps(row.id, row.dueAt, items[n].facility.slaDays, uow.now)));
    return ids;
  }

  /** A facility admin (own facility) or an admin answers through the API. */
  async respondAsStaff(actor: Actor, escalationId: number, response: string): Promise<EscalationView> {
    await this.db.transaction(async (uow) => {
      const esc = assertMayRespond(actor, await uow.em.findOne(Escalation, { where: { id: escalationId } }));
      await this.respond(uow, actor, esc, response.trim(), 'account');
    });
    this.relay.nudge();
    return (await this.repo.view(actor, escalationId, true))!;
  }

  /** The facility's answer, by the link or an account: the link dies, the reminders stop, the council is told. */
  async respond(uow: UnitOfWork, actor: Actor, esc: Escalation, response: string, via: 'link' | 'account'): Promise<void> {
    if (esc.responseState === 'responded') throw conflict('This escalation was already answered');
    const qb = uow.em
      .createQueryBuilder()
      .update(Escalation)
      .set({ responseState: 'responded', response, respondedAt: uow.now, respondedBy: actor.userId, tokenEnc: null, updatedAt: uow.now, ...(via === 'link' ? { tokenUsedAt: uow.now } : {}) })
      .where('id = :id AND response_state = :state', { id: esc.id, state: esc.responseState });
    if (via === 'link') qb.andWhere('token_used_at IS NULL');
    if (!(await qb.execute()).affected) throw conflict('This escalation changed while you were answering; reload and try again');
    const complaint = await uow.em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
    const event: TimelineEvent = { type: 'responded', public: true, data: { escalationId: esc.id, via } };
    if (complaint.status === 'escalated') {
      await this.workflow.transition(uow, { actor, complaint, req: { action: 'respond', event, auditDetails: { escalationId: esc.id, via } } });
    } else {
      // Another rung already answered or the council moved on: keep the answer on the timeline.
      this.workflow.addEvent(uow, { actor, complaintId: complaint.id, event });
    }
    await this.notifications.cancel(uow, esc.id, FACILITY_REMINDERS);
    this.audit.record(uow, { actor, action: 'escalation.respond', entity: 'escalation', entityId: esc.id, details: { via, complaintId: complaint.id } });
    await this.notifications.schedule(uow, await this.councilNotice(uow, esc, 'council-responded'));
  }

  /** The SLA breach of one escalation: overdue, notices, and the next rung. Returns false if already handled. */
  async breach(uow: UnitOfWork, escalationId: number): Promise<boolean> {
    const res = await uow.em
      .createQueryBuilder()
      .update(Escalation)
      .set({ responseState: 'overdue', updatedAt: uow.now })
      .where('id = :id AND response_state = :s AND due_at <= :now', { id: escalationId, s: 'awaiting', now: uow.now.getTime() })
      .execute();
    if (!res.affected) return false;
    const esc = await uow.em.findOneOrFail(Escalation, { where: { id: escalationId } });
    const complaint = await uow.em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
    const facility = await uow.em.findOneOrFail(Facility, { where: { id: esc.facilityId } });
    await this.notifications.cancel(uow, esc.id, FACILITY_REMINDERS);
    this.workflow.addEvent(uow, { actor: SYSTEM_ACTOR, complaintId: complaint.id, event: { type: 'overdue', public: false, data: { escalationId: esc.id, facilityId: facility.id } } });
    this.audit.record(uow, { actor: SYSTEM_ACTOR, action: 'escalation.overdue', entity: 'escalation', entityId: esc.id, details: { complaintId: complaint.id, facilityId: facility.id } });
    await this.notifications.schedule(uow, [
      { subjectKey: escalationKey(esc.id), step: 'overdue', audience: 'facility', escalationId: esc.id, dueAt: uow.now },
      await this.councilNotice(uow, esc, 'council-overdue'),
    ]);
    if (facility.parentId && complaint.status === 'escalated') {
      const parent = await uow.em.findOne(Facility, { where: { id: facility.parentId } });
      if (parent) {
        await this.create(uow, { actor: SYSTEM_ACTOR, complaint, facility: parent, summary: esc.summary, parent: esc });
        // The next rung supersedes this one: its link dies, and the overdue mail carries none.
        await uow.em.update(Escalation, { id: esc.id }, { tokenEnc: null });
      }
    }
    return true;
  }

  /** An escalation whose complaint moved on (resolved, reopened, answered elsewhere) needs no more reminders. */
  async supersede(uow: UnitOfWork, escalationId: number): Promise<boolean> {
    const res = await uow.em
      .createQueryBuilder()
      .update(Escalation)
      .set({ responseState: 'superseded', tokenEnc: null, updatedAt: uow.now })
      .where('id = :id AND response_state = :s', { id: escalationId, s: 'awaiting' })
      .execute();
    if (!res.affected) return false;
    await this.notifications.cancel(uow, escalationId, FACILITY_REMINDERS);
    this.audit.record(uow, { actor: SYSTEM_ACTOR, action: 'escalation.superseded', entity: 'escalation', entityId: escalationId });
    return true;
  }

  /** A notice to the council of the escalation's city. */
  async councilNotice(uow: UnitOfWork, esc: Escalation, step: 'council-responded' | 'council-overdue' | 'council-failed'): Promise<NewSend> {
    const council = await uow.em.findOne(Council, { where: { cityId: esc.cityId } });
    return { subjectKey: escalationKey(esc.id), step, audience: 'council', escalationId: esc.id, councilId: council?.id ?? null, dueAt: uow.now };
  }
}

/** The facility's mails of a new escalation; with a short SLA the day-before reminder would fall on or before the first one. */
function facilitySteps(escalationId: number, dueAt: Date, slaDays: number, now: Date): NewSend[] {
  const key = escalationKey(escalationId);
  const half = new Date(now.getTime() + (slaDays * DAY_MS) / 2);
  const dayBefore = new Date(dueAt.getTime() - DAY_MS);
  return [
    { subjectKey: key, step: 'initial', audience: 'facility', escalationId, dueAt: now },
    { subjectKey: key, step: 'reminder1', audience: 'facility', escalationId, dueAt: half },
    ...(dayBefore.getTime() > half.getTime() ? [{ subjectKey: key, step: 'reminder2' as const, audience: 'facility' as const, escalationId, dueAt: dayBefore }] : []),
  ];
}
