import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Actor } from '../auth/actor';
import { notFound } from '../common/domain-errors';
import { assertEscalationVisible, canSeeMailStep, escalationListScope } from '../access/access-policy';
import { Complaint } from '../complaints/complaint.entity';
import { Database } from '../database/database.service';
import { Facility } from '../facilities/facility.entity';
import { MailSend } from '../notifications/mail-send.entity';
import type { MailStep } from '../notifications/notification-steps';
import { Escalation } from './escalation.entity';
import { ListEscalationsDto } from './escalation.dto';

export interface EscalationStepView {
  step: MailStep;
  audience: string;
  state: string;
  attempts: number;
  dueAt: string;
  sentAt: string | null;
  lastError: string | null;
}

export interface EscalationView {
  id: number;
  complaintId: number;
  complaintReference: string;
  category: string;
  facilityId: number;
  facilityName: string;
  rung: number;
  parentEscalationId: number | null;
  summary: string;
  /** Whether this escalation carried the complainant's identity and contact. */
  identityDisclosed: boolean;
  dueAt: string;
  deliveryState: string;
  responseState: string;
  response: string | null;
  respondedAt: string | null;
  respondedBy: number | null;
  createdBy: number | null;
  createdAt: string;
  lastError: string | null;
  steps?: EscalationStepView[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Reads of escalations with their scope; contact details are never part of these views. */
@Injectable()
export class EscalationsRepository {
  constructor(private readonly db: Database) {}

  /** One escalation as `actor` may see it (mail steps filtered by the access policy). */
  async view(actor: Actor, id: number, withSteps: boolean): Promise<EscalationView | null> {
    const esc = await this.db.manager.findOne(Escalation, { where: { id } });
    if (!esc) return null;
    return (await this.toViews(actor, [esc], withSteps))[0];
  }

  async viewInScope(actor: Actor, id: number): Promise<EscalationView> {
    const esc = assertEscalationVisible(actor, await this.db.manager.findOne(Escalation, { where: { id } }));
    return (await this.toViews(actor, [esc], true))[0];
  }

  /** Newest first, keyset on id, scoped by role. */
  async list(actor: Actor, q: ListEscalationsDto): Promise<{ items: EscalationView[]; nextCursor: number | null }> {
    const limit = Math.min(q.limit ?? 50, 200);
    const qb = this.db.manager.createQueryBuilder(Escalation, 'e').orderBy('e.id', 'DESC').take(limit + 1);
    const scope = escalationListScope(actor);
    if (!scope) throw notFound('Escalation');
    if (scope.cityId !== undefined) qb.andWhere('e.city_id = :city', { city: scope.cityId });
    if (scope.facilityId !== undefined) qb.andWhere('e.facility_id = :fac', { fac: scope.facilityId });
    if (q.facilityId) qb.andWhere('e.facility_id = :f', { f: q.facilityId });
    if (q.complaintId) qb.andWhere('e.complaint_id = :c', { c: q.complaintId });
    if (q.responseState) qb.andWhere('e.response_state = :rs', { rs: q.responseState });
    if (q.cursor) qb.andWhere('e.id < :cursor', { cursor: q.cursor });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    return { items: await this.toViews(actor, page, false), nextCursor: rows.length > limit ? page[page.length - 1].id : null };
  }

  private async toViews(actor: Actor, rows: Escalation[], withSteps: boolean): Promise<EscalationView[]> {
    if (rows.length === 0) return [];
    const complaints = await this.db.manager.find(Complaint, {
      where: { id: In([...new Set(rows.map((r) => r.complaintId))]) },
      select: { id: true, reference: true, category: true },
    });
    const facilities = await this.db.manager.find(Facility, { where: { id: In([...new Set(rows.map((r) => r.facilityId))]) }, select: { id: true, name: true } });
    const cById = new Map(complaints.map((c) => [c.id, c]));
    const fById = new Map(facilities.map((f) => [f.id, f]));
    const steps = withSteps ? await this.db.manager.find(MailSend, { where: { escalationId: In(rows.map((r) => r.id)) }, order: { id: 'ASC' } }) : [];
    return rows.map((e) => ({
      id: e.id,
      complaintId: e.complaintId,
      complaintReference: cById.get(e.complaintId)?.reference ?? '',
      category: cById.get(e.complaintId)?.category ?? 'other',
      facilityId: e.facilityId,
      facilityName: fById.get(e.facilityId)?.name ?? '',
      rung: e.rung,
      parentEscalationId: e.parentEscalationId,
      summary: e.summary,
      identityDisclosed: e.identityDisclosed,
      dueAt: e.dueAt.toISOString(),
      deliveryState: e.deliveryState,
      responseState: e.responseState,
      response: e.response,
      respondedAt: iso(e.respondedAt),
      respondedBy: e.respondedBy,
      createdBy: e.createdBy,
      createdAt: e.createdAt.toISOString(),
      lastError: e.lastError,
      ...(withSteps
        ? {
            steps: steps
              .filter((s) => s.escalationId === e.id && canSeeMailStep(actor, s))
              .map((s) => ({ step: s.step, audience: s.audience, state: s.state, attempts: s.attempts, dueAt: s.dueAt.toISOString(), sentAt: iso(s.sentAt), lastError: s.lastError })),
          }
        : {}),
    }));
  }
}
