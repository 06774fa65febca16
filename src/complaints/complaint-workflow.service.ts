import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { DomainError } from '../common/domain-errors';
import { Many, many, UnitOfWork } from '../database/unit-of-work';
import { ComplaintEvent } from './complaint-event.entity';
import { ComplaintAction, checkTransition, TRANSITIONS } from './complaint-transitions';
import type { ComplaintStatus } from './complaint.constants';
import { Complaint } from './complaint.entity';
import { TelegramNews, TelegramNotifier } from '../notifications/telegram-notifier.service';

export interface TransitionRequest {
  action: ComplaintAction;
  /** Version the caller read; a different current version means someone else acted first (409). */
  expectedVersion?: number;
  /** Columns to change along with the status. */
  changes?: Partial<Pick<Complaint, 'rejectReason' | 'outcome' | 'declineReason' | 'outcomeBy' | 'outcomeAt' | 'outcomePublicNote' | 'category' | 'priority' | 'complainantVerified' | 'complainantVerifiedAt'>>;
  /** Timeline entry written with the transition. */
  event: TimelineEvent;
  /** Audit details (ids and enum values only). */
  auditDetails?: Record<string, unknown>;
}

export interface TimelineEvent {
  type: string;
  public: boolean;
  note?: string | null;
  data?: Record<string, any> | null;
}

/** One transition of a complaint read in this unit of work. */
export interface Transition {
  actor: Actor;
  complaint: Complaint;
  req: TransitionRequest;
}

/**
 * The one way a complaint changes state: checks the transition table, applies an optimistic
 * version check, and appends the timeline entry and the audit event to the caller's unit of work.
 */
@Injectable()
export class ComplaintWorkflowService {
  constructor(
    private readonly audit: AuditService,
    private readonly telegram: TelegramNotifier,
  ) {}

  /** Why `actor` may not take `action` on a complaint in `status` now, or null if they may. */
  refusal(status: ComplaintStatus, action: ComplaintAction, actor: Actor): DomainError | null {
    const kind = actor.kind === 'public' ? null : actor.kind;
    const check = kind ? checkTransition(status, action, kind) : null;
    if (!check) return new DomainError('FORBIDDEN', `You may not ${action} a complaint`);
    if (!check.ok) return new DomainError(check.reason === 'forbidden' ? 'FORBIDDEN' : 'INVALID_TRANSITION', check.message);
    return null;
  }

  /**
   * Transitions in order, on the complaint entities the caller read in this unit (the same
   * complaint may appear more than once, as when two escalate calls share a batch: each sees the
   * state the one before left). All or nothing: the first refusal throws. One conditional update
   * per complaint, on the version it was read at: of two concurrent writers exactly one matches.
   */
  async transition(uow: UnitOfWork, transitions: Many<Transition>): Promise<void> {
    const readVersions = new Map<Complaint, { version: number; changes: TransitionRequest['changes'] }>();
    const news: TelegramNews[] = [];
    for (const { actor, complaint, req } of many(transitions)) {
      const refused = this.refusal(complaint.status, req.action, actor);
      if (refused) throw refused;
      if (req.expectedVersion !== undefined && req.expectedVersion !== complaint.version) {
        throw new DomainError('CONFLICT', `The complaint changed while you were working on it (it is now ${complaint.status}); reload and try again`);
      }
      const write = readVersions.get(complaint) ?? { version: complaint.version, changes: {} };
      readVersions.set(complaint, { version: write.version, changes: { ...write.changes, ...req.changes } });
      const from = complaint.status;
      Object.assign(complaint, req.changes, { status: TRANSITIONS[req.action].to, updatedAt: uow.now, version: complaint.version + 1 });
      this.addEvent(uow, { actor, complaintId: complaint.id, event: req.event });
      // Whoever asked for Telegram news hears of every change they could see on /track.
      if (req.event.public && complaint.notifyChatEnc) news.push({ complaintId: complaint.id, eventKey: `c${complaint.id}-v${complaint.version}` });
      this.audit.record(uow, { actor, action: `complaint.${req.action}`, entity: 'complaint', entityId: complaint.id, details: { from, to: complaint.status, ...req.auditDetails } });
    }
    for (const [c, write] of readVersions) {
      const result = await uow.em
        .createQueryBuilder()
        .update(Complaint)
        .set({ ...write.changes, status: c.status, updatedAt: uow.now, version: c.version })
        .where('id = :id AND version = :v', { id: c.id, v: write.version })
        .execute();
      if (!result.affected) throw new DomainError('CONFLICT', 'The complaint changed while you were working on it; reload and try again');
    }
    if (news.length) await this.telegram.schedule(uow, news);
  }

  /** Timeline entries without a state change (contact revealed, an answer after the case moved on). */
  addEvent(uow: UnitOfWork, entries: Many<{ actor: Actor | null; complaintId: number; event: TimelineEvent }>): void {
    uow.append(
      ComplaintEvent,
      many(entries).map(({ actor, complaintId, event }) => ({
        complaintId,
        at: uow.now,
        type: event.type,
        public: event.public,
        actorUserId: actor?.userId ?? null,
        note: event.note ?? null,
        data: event.data ?? null,
      })),
    );
  }
}
