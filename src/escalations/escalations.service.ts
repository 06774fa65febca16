import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../auth/actor';
import { Clock } from '../common/clock';
import { FieldCipher, randomToken, sha256Hex } from '../common/crypto';
import { keyRingFor } from '../keys/key-ring';
import { conflict, DomainError, notFound } from '../common/domain-errors';
import { ContactReader } from './contact-reader';
import { assertSummaryIsFacilitySafe, summaryTemplate } from './facility-summary';
import { assertComplaintVisible, assertMayEscalateTo, assertMayRespond, mayDiscloseIdentity } from '../access/access-policy';
import { ComplaintWorkflowService } from '../complaints/complaint-workflow.service';
import { Complaint } from '../complaints/complaint.entity';
import { Council } from '../councils/council.entity';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BatchOutcome, GroupCommit } from '../database/group-commit';
import { bulkInsert, setColumnById } from '../database/sql';
import { Database } from '../database/database.service';
import { Facility } from '../facilities/facility.entity';
import { mailDomain } from '../mail/mail-transport.service';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { Escalation } from './escalation.entity';
import { cancelPendingSteps, DAY_MS, escalationKey, scheduleFreshSends, scheduleSend } from './escalation-steps';
import { EscalationView, EscalationsRepository } from './escalations.repository';

const REMINDERS = ['reminder1', 'reminder2'];

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

export const tokenAad = (escalationId: number) => `escalations.token_enc.${escalationId}`;

/** The one answer for every dead response link: it reveals nothing about the case. */
export const DEAD_LINK = 'This link is no longer valid; please contact the council';

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
 * Every change commits together with its timeline entry, audit event and outbox records; Redis is
 * only reached afterwards by the relay.
 */
@Injectable()
export class EscalationsService {
  private readonly tokenCipher: FieldCipher;
  /** Escalate calls arriving together share one write transaction. */
  private readonly batches: GroupCommit<EscalateRequest, number>;
  readonly domain: string;

  constructor(
    private readonly db: Database,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly relay: OutboxRelay,
    private readonly repo: EscalationsRepository,
    private readonly contacts: ContactReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.tokenCipher = keyRingFor(config).cipher('response-link');
    this.domain = mailDomain(config.mailFrom);
    this.batches = new GroupCommit(db, (em, requests) => this.escalateBatch(em, requests));
  }

  async escalate(actor: Actor, complaintId: number, input: { facilityId: number; summary: string }): Promise<EscalationView> {
    const id = await this.batches.submit({ actor, complaintId, facilityId: input.facilityId, summary: input.summary.trim() });
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

  /** Escalate calls arriving together: checked one by one, written together; a refusal stays with its call. */
  private async escalateBatch(em: EntityManager, requests: EscalateRequest[]): Promise<BatchOutcome<number>[]> {
    const complaints = new Map(
      (await em.find(Complaint, { where: { id: In([...new Set(requests.map((r) => r.complaintId))]) } })).map((c) => [c.id, c]),
    );
    const facilities = new Map(
      (await em.find(Facility, { where: { id: In([...new Set(requests.map((r) => r.facilityId))]) } })).map((f) => [f.id, f]),
    );
    // The status each complaint will have once the earlier calls of this batch are applied.
    const status = new Map([...complaints.values()].map((c) => [c.id, c.status]));
    const outcomes: BatchOutcome<number>[] = [];
    const accepted: { index: number; item: NewEscalation }[] = [];
    requests.forEach((r, index) => {
      const complaint = complaints.get(r.complaintId);
      const facility = facilities.get(r.facilityId);
      let refused: Error | null = null;
      try {
        assertComplaintVisible(r.actor, complaint ?? null);
        assertMayEscalateTo(r.actor, complaint!, facility ?? null);
        refused = this.workflow.refusal(status.get(complaint!.id)!, 'escalate', r.actor);
        if (!refused) assertSummaryIsFacilitySafe(r.summary, [complaint!.description, complaint!.desiredOutcome], this.contacts.read(complaint!));
      } catch (err) {
        refused = err as Error;
      }
      if (refused) {
        outcomes[index] = { refused };
        return;
      }
      status.set(complaint!.id, 'escalated');
      accepted.push({ index, item: { actor: r.actor, complaint: complaint!, facility: facility!, summary: r.summary, parent: null } });
    });
    const ids = await this.createManyInTx(em, accepted.map((a) => a.item));
    accepted.forEach((a, n) => (outcomes[a.index] = { ok: ids[n] }));
    return outcomes;
  }

  createInTx(em: EntityManager, actor: Actor, complaint: Complaint, facility: Facility, summary: string, parent: Escalation | null): Promise<number> {
    return this.createManyInTx(em, [{ actor, complaint, facility, summary, parent }]).then(([id]) => id);
  }

  /**
   * The escalation rows, their link tokens, the complaints' transitions (timeline + audit) and the
   * facilities' mails (initial now, reminders at half the SLA and one day before the due date),
   * in a handful of statements whatever the number of escalations. Returns the new ids in order.
   */
  async createManyInTx(em: EntityManager, items: NewEscalation[]): Promise<number[]> {
    if (!items.length) return [];
    const now = this.clock.now();
    const rows = items.map(({ actor, complaint, facility, summary, parent }) => {
      const dueAt = new Date(now.getTime() + facility.slaDays * DAY_MS);
      const token = randomToken(32);
      const rung = parent ? parent.rung + 1 : 1;
      return {
        token,
        rung,
        row: {
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
          tokenHash: sha256Hex(token),
          tokenEnc: null,
          tokenExpiresAt: new Date(dueAt.getTime() + this.config.responseLinkGraceDays * DAY_MS),
          tokenUsedAt: null,
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
          lastError: null,
        },
      };
    });
    const inserted = await bulkInsert(em, Escalation, rows.map((r) => r.row), ['id', 'tokenHash']);
    const idByHash = new Map(inserted.map((r) => [String(r.token_hash), Number(r.id)]));
    const ids = rows.map((r) => idByHash.get(r.row.tokenHash)!);
    // Encrypted once the ids exist, so each token is bound to its own row.
    await setColumnById(em, 'escalations', 'token_enc', rows.map((r, n) => ({ id: ids[n], value: this.tokenCipher.encrypt(r.token, tokenAad(ids[n])) })));
    await this.workflow.transitionMany(
      em,
      items.map(({ actor, complaint, facility }, n) => ({
        actor,
        req: {
          complaintId: complaint.id,
          action: 'escalate' as const,
          event: { type: 'escalated', public: true, data: { escalationId: ids[n], facilityId: facility.id, rung: rows[n].rung } },
          auditDetails: { escalationId: ids[n], facilityId: facility.id, rung: rows[n].rung },
        },
      })),
    );
    await this.audit.recordMany(
      em,
      items.map(({ actor, complaint, facility, parent }, n) => ({
        actor,
        action: parent ? 'escalation.ladder' : 'escalation.create',
        entity: 'escalation',
        entityId: ids[n],
        details: {
          complaintId: complaint.id,
          facilityId: facility.id,
          rung: rows[n].rung,
          parentEscalationId: parent?.id ?? null,
          slaDays: facility.slaDays,
          identityDisclosed: rows[n].row.identityDisclosed,
        },
      })),
    );
    await scheduleFreshSends(
      em,
      now,
      this.domain,
      items.flatMap(({ facility }, n) => {
        const key = escalationKey(ids[n]);
        const dueAt = rows[n].row.dueAt;
        const half = new Date(now.getTime() + (facility.slaDays * DAY_MS) / 2);
        const dayBefore = new Date(dueAt.getTime() - DAY_MS);
        return [
          { subjectKey: key, step: 'initial', audience: 'facility' as const, escalationId: ids[n], dueAt: now },
          { subjectKey: key, step: 'reminder1', audience: 'facility' as const, escalationId: ids[n], dueAt: half },
          // With a short SLA the day-before reminder would fall on or before the first one: skip it.
          ...(dayBefore.getTime() > half.getTime() ? [{ subjectKey: key, step: 'reminder2', audience: 'facility' as const, escalationId: ids[n], dueAt: dayBefore }] : []),
        ];
      }),
    );
    return ids;
  }

  /** A facility admin (own facility) or an admin answers through the API. */
  async respondAsStaff(actor: Actor, escalationId: number, response: string): Promise<EscalationView> {
    await this.db.transaction(async (em) => {
      const esc = assertMayRespond(actor, await em.findOne(Escalation, { where: { id: escalationId } }));
      await this.respondInTx(em, actor, esc, response.trim(), 'account');
    });
    this.relay.nudge();
    return (await this.repo.view(actor, escalationId, true))!;
  }

  /** The holder of a valid link answers; the link is consumed. */
  async respondByLink(token: string, response: string): Promise<{ escalationId: number; reference: string; responseState: string }> {
    const result = await this.db.transaction(async (em) => {
      const { esc, complaint } = await this.findByToken(em, token);
      const actor: Actor = { kind: 'facility_link', userId: null, facilityId: esc.facilityId };
      await this.respondInTx(em, actor, esc, response.trim(), 'link');
      return { escalationId: esc.id, reference: complaint.reference, responseState: 'responded' };
    });
    this.relay.nudge();
    return result;
  }

  /**
   * Looks a link up without changing anything (mail scanners open links too). A link lives only
   * while its escalation waits for this facility's answer: answered by any route, superseded (the
   * complaint moved on, or the ladder took it to the next rung), the complaint closed or its
   * contact erased, or past its expiry, it is dead, and a dead link says nothing about the case.
   */
  async findByToken(em: EntityManager, token: string): Promise<{ esc: Escalation; complaint: Complaint; facility: Facility }> {
    const esc = await em.findOne(Escalation, { where: { tokenHash: sha256Hex(token) } });
    if (!esc) throw notFound('Response link');
    const complaint = await em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
    const facility = await em.findOneOrFail(Facility, { where: { id: esc.facilityId } });
    const waiting = esc.responseState === 'awaiting' || (esc.responseState === 'overdue' && !(await em.exists(Escalation, { where: { parentEscalationId: esc.id } })));
    const live =
      !esc.tokenUsedAt &&
      waiting &&
      complaint.status === 'escalated' &&
      !complaint.contactErasedAt &&
      esc.tokenExpiresAt.getTime() > this.clock.now().getTime();
    if (!live) throw new DomainError('GONE', DEAD_LINK);
    return { esc, complaint, facility };
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
      if (parent) {
        await this.createInTx(em, SYSTEM_ACTOR, complaint, parent, esc.summary, esc);
        // The next rung supersedes this one: its link dies, and the overdue mail carries none.
        await em.update(Escalation, { id: esc.id }, { tokenEnc: null });
      }
    }
    return true;
  }

  /** An escalation whose complaint moved on (resolved, reopened, answered elsewhere) needs no more reminders. */
  async supersedeInTx(em: EntityManager, escalationId: number): Promise<boolean> {
    const now = this.clock.now();
    const res = await em
      .createQueryBuilder()
      .update(Escalation)
      .set({ responseState: 'superseded', tokenEnc: null, updatedAt: now })
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
