import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-errors';
import { ComplaintEvent } from './complaint-event.entity';
import { ComplaintAction, checkTransition } from './complaint-transitions';
import { Complaint } from './complaint.entity';
import { bulkInsert } from '../database/bulk-insert';

export interface TransitionRequest {
  complaintId: number;
  action: ComplaintAction;
  /** Version the caller read; a different current version means someone else acted first (409). */
  expectedVersion?: number;
  /** Columns to change along with the status. */
  changes?: Partial<Pick<Complaint, 'rejectReason' | 'outcome' | 'declineReason' | 'outcomeBy' | 'outcomeAt' | 'category' | 'priority' | 'complainantVerified' | 'complainantVerifiedAt'>>;
  /** Timeline entry written with the transition. */
  event: { type: string; public: boolean; note?: string | null; data?: Record<string, any> | null };
  /** Audit details (ids and enum values only). */
  auditDetails?: Record<string, unknown>;
}

/**
 * The one way a complaint changes state: checks the transition table, applies an optimistic
 * version check, and writes the timeline entry and the audit event in the caller's transaction.
 */
@Injectable()
export class ComplaintWorkflowService {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async transition(em: EntityManager, actor: Actor, req: TransitionRequest): Promise<Complaint> {
    const complaint = await em.findOne(Complaint, { where: { id: req.complaintId } });
    if (!complaint) throw notFound('Complaint');
    const kind = actor.kind === 'public' ? null : actor.kind;
    const check = kind ? checkTransition(complaint.status, req.action, kind) : null;
    if (!check) throw new DomainError('FORBIDDEN', `You may not ${req.action} a complaint`);
    if (!check.ok) {
      throw new DomainError(check.reason === 'forbidden' ? 'FORBIDDEN' : 'INVALID_TRANSITION', check.message);
    }
    if (req.expectedVersion !== undefined && req.expectedVersion !== complaint.version) {
      throw new DomainError(
        'CONFLICT',
        `The complaint changed while you were working on it (it is now ${complaint.status}); reload and try again`,
      );
    }
    const now = this.clock.now();
    const from = complaint.status;
    // Conditional update on the version read above: of two concurrent writers exactly one matches.
    const result = await em
      .createQueryBuilder()
      .update(Complaint)
      .set({ ...req.changes, status: check.to, updatedAt: now, version: () => 'version + 1' })
      .where('id = :id AND version = :v', { id: complaint.id, v: complaint.version })
      .execute();
    if (!result.affected) {
      throw new DomainError('CONFLICT', `The complaint changed while you were working on it; reload and try again`);
    }
    await em.insert(ComplaintEvent, {
      complaintId: complaint.id,
      at: now,
      type: req.event.type,
      public: req.event.public,
      actorUserId: actor.userId,
      note: req.event.note ?? null,
      data: req.event.data ?? null,
    });
    await this.audit.record(em, actor, {
      action: `complaint.${req.action}`,
      entity: 'complaint',
      entityId: complaint.id,
      details: { from, to: check.to, ...req.auditDetails },
    });
    return (await em.findOne(Complaint, { where: { id: complaint.id } }))!;
  }

  /** A timeline entry without a state change (e.g. contact revealed, reminder sent). */
  addEvent(em: EntityManager, actor: Actor | null, complaintId: number, event: TransitionRequest['event']): Promise<void> {
    return this.addEvents(em, [{ actor, complaintId, event }]);
  }

  /** Several timeline entries in one statement (a batch of intakes). */
  async addEvents(em: EntityManager, entries: { actor: Actor | null; complaintId: number; event: TransitionRequest['event'] }[]): Promise<void> {
    if (!entries.length) return;
    const at = this.clock.now();
    const rows = entries.map(({ actor, complaintId, event }) => ({
      complaintId,
      at,
      type: event.type,
      public: event.public,
      actorUserId: actor?.userId ?? null,
      note: event.note ?? null,
      data: event.data ?? null,
    }));
    await bulkInsert(em, ComplaintEvent, rows);
  }
}
