import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-errors';
import { ComplaintEvent } from './complaint-event.entity';
import { ComplaintAction, checkTransition, TRANSITIONS } from './complaint-transitions';
import type { ComplaintStatus } from './complaint.constants';
import { Complaint } from './complaint.entity';
import { bulkInsert } from '../database/sql';

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
    return (await this.transitionMany(em, [{ actor, req }]))[0];
  }

  /** Why `actor` may not take `action` on a complaint in `status` now, or null if they may. */
  refusal(status: ComplaintStatus, action: ComplaintAction, actor: Actor): DomainError | null {
    const kind = actor.kind === 'public' ? null : actor.kind;
    const check = kind ? checkTransition(status, action, kind) : null;
    if (!check) return new DomainError('FORBIDDEN', `You may not ${action} a complaint`);
    if (!check.ok) return new DomainError(check.reason === 'forbidden' ? 'FORBIDDEN' : 'INVALID_TRANSITION', check.message);
    return null;
  }

  /**
   * Several transitions in order (a batch of escalations), with one read, one timeline insert and
   * one audit insert; the same complaint may appear more than once. All or nothing: the first
   * refusal throws.
   */
  async transitionMany(em: EntityManager, items: { actor: Actor; req: TransitionRequest }[]): Promise<Complaint[]> {
    const ids = [...new Set(items.map((i) => i.req.complaintId))];
    const complaints = new Map((await em.find(Complaint, { where: { id: In(ids) } })).map((c) => [c.id, c]));
    const now = this.clock.now();
    /** Per complaint: the version read (for the conditional update) and the columns to write. */
    const writes = new Map<number, { readVersion: number; changes: TransitionRequest['changes'] }>();
    const events: Parameters<ComplaintWorkflowService['addEvents']>[1] = [];
    const audits: Parameters<AuditService['recordMany']>[1] = [];
    const results = items.map(({ actor, req }) => {
      const complaint = complaints.get(req.complaintId);
      if (!complaint) throw notFound('Complaint');
      const refused = this.refusal(complaint.status, req.action, actor);
      if (refused) throw refused;
      if (req.expectedVersion !== undefined && req.expectedVersion !== complaint.version) {
        throw new DomainError(
          'CONFLICT',
          `The complaint changed while you were working on it (it is now ${complaint.status}); reload and try again`,
        );
      }
      const from = complaint.status;
      const to = TRANSITIONS[req.action].to;
      const write = writes.get(complaint.id) ?? { readVersion: complaint.version, changes: {} };
      writes.set(complaint.id, { readVersion: write.readVersion, changes: { ...write.changes, ...req.changes } });
      Object.assign(complaint, req.changes, { status: to, updatedAt: now, version: complaint.version + 1 });
      events.push({ actor, complaintId: complaint.id, event: req.event });
      audits.push({ actor, action: `complaint.${req.action}`, entity: 'complaint', entityId: complaint.id, details: { from, to, ...req.auditDetails } });
      return { ...complaint } as Complaint;
    });
    for (const [id, write] of writes) {
      const c = complaints.get(id)!;
      // Conditional update on the version read above: of two concurrent writers exactly one matches.
      const result = await em
        .createQueryBuilder()
        .update(Complaint)
        .set({ ...write.changes, status: c.status, updatedAt: now, version: c.version })
        .where('id = :id AND version = :v', { id, v: write.readVersion })
        .execute();
      if (!result.affected) {
        throw new DomainError('CONFLICT', `The complaint changed while you were working on it; reload and try again`);
      }
    }
    await this.addEvents(em, events);
    await this.audit.recordMany(em, audits);
    return results;
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
