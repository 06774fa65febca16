import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { FieldCipher } from '../common/crypto';
import { DomainError, invalid, notFound } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { ComplaintEvent } from './complaint-event.entity';
import { assertComplaintVisible, complaintListScope, contactRevealRule } from '../access/access-policy';
import { eventText, OUTCOME_TEXT } from './complaint-texts';
import { ActorKind, allowedActions, ComplaintAction } from './complaint-transitions';
import { ComplaintWorkflowService, TransitionRequest } from './complaint-workflow.service';
import { Complaint } from './complaint.entity';
import { contactAad, contactCipher, ContactDetails } from './contact-cipher';
import { containsContact } from './contact-leak';
import { ClosedQuery, ComplaintsRepository } from './complaints.repository';
import { ComplaintQueryDto } from './dto/complaint-query.dto';
import { ReopenDto, ResolutionDto, RevealContactDto, TriageDto } from './dto/complaint-actions.dto';

/** What staff see of a complaint; contact details never, only whether there are any. */
export function complaintSummary(c: Complaint) {
  return {
    id: c.id,
    reference: c.reference,
    status: c.status,
    channel: c.channel,
    cityId: c.cityId,
    facilityId: c.facilityId,
    category: c.category,
    priority: c.priority,
    outcome: c.outcome,
    receivedAt: c.receivedAt.toISOString(),
    incidentDate: c.incidentDate,
    summary: c.description.length > 160 ? `${c.description.slice(0, 157)}...` : c.description,
    hasContact: c.contactEnc !== null,
    disputed: isDisputed(c),
  };
}

/** Resolved, and the complainant answered that it was not resolved for them: a member should look again. */
export const isDisputed = (c: Pick<Complaint, 'status' | 'complainantVerified'>): boolean => c.status === 'resolved' && c.complainantVerified === false;

function timelineEntry(e: ComplaintEvent) {
  return { id: e.id, at: e.at.toISOString(), type: e.type, public: e.public, text: eventText(e.type, e.data), actorUserId: e.actorUserId, note: e.note, data: e.data };
}

/** Staff work on complaints: the triage list, detail, workflow actions and the audited contact reveal. */
@Injectable()
export class ComplaintsService {
  private readonly cipher: FieldCipher;

  constructor(
    private readonly db: Database,
    private readonly repo: ComplaintsRepository,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = contactCipher(config);
  }

  /**
   * A council member's list is always limited to their own city; a filter naming another city
   * therefore yields an empty page (never another city's rows, and no hint whether any exist).
   */
  async list(actor: Actor, q: ComplaintQueryDto) {
    const scope = complaintListScope(actor);
    if (!scope) throw new DomainError('FORBIDDEN', 'This route is for: admin, kpac_member');
    const { rows, nextCursor } = await this.repo.list(q, scope);
    return { items: rows.map(complaintSummary), nextCursor };
  }

  /** Closed complaints for the board's closed column (same scope rule as the list). */
  async listClosed(actor: Actor, q: ComplaintQueryDto, closed: ClosedQuery) {
    const scope = complaintListScope(actor);
    if (!scope) throw new DomainError('FORBIDDEN', 'This route is for: admin, kpac_member');
    return (await this.repo.closed(q, scope, closed)).map(complaintSummary);
  }

  async detail(actor: Actor, id: number) {
    const c = assertComplaintVisible(actor, await this.db.manager.findOne(Complaint, { where: { id } }));
    const events = await this.repo.timeline(c.id);
    // The Telegram chat is the complainant's contact data: staff never see it (nor its hash).
    const { trackingHash: _hash, contactEnc, notifyChatEnc: _chat, notifyChatKey: _chatKey, notifyLanguage: _chatLang, ...fields } = c;
    return {
      ...fields,
      receivedAt: c.receivedAt.toISOString(),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      outcomeAt: c.outcomeAt?.toISOString() ?? null,
      outcomeText: c.outcome ? OUTCOME_TEXT[c.outcome] : null,
      complainantVerifiedAt: c.complainantVerifiedAt?.toISOString() ?? null,
      contactErasedAt: c.contactErasedAt?.toISOString() ?? null,
      hasContact: contactEnc !== null,
      disputed: isDisputed(c),
      allowedActions: allowedActions(c.status, actor.kind as ActorKind),
      timeline: events.map(timelineEntry),
    };
  }

  async triage(actor: Actor, id: number, dto: TriageDto) {
    if (dto.decision === 'reject' && !dto.reason) throw invalid('reason is required to reject: duplicate, spam or out_of_scope');
    if (dto.decision === 'accept' && dto.reason) throw invalid('reason is given only when rejecting');
    const action: ComplaintAction = dto.decision;
    await this.act(actor, id, () => ({
      action,
      expectedVersion: dto.version,
      changes: defined({ category: dto.category, priority: dto.priority, rejectReason: dto.decision === 'reject' ? dto.reason : undefined }),
      event: { type: dto.decision === 'accept' ? 'accepted' : 'rejected', public: true, data: dto.reason ? { reason: dto.reason } : null },
      auditDetails: defined({ reason: dto.reason, category: dto.category, priority: dto.priority }),
    }));
    return this.detail(actor, id);
  }

  async resolve(actor: Actor, id: number, dto: ResolutionDto) {
    const declined = dto.outcome === 'unresolved_client_declined';
    if (declined && !dto.declineReason) throw invalid('declineReason is required when the outcome is unresolved_client_declined');
    if (!declined && dto.declineReason) throw invalid('declineReason is given only with the outcome unresolved_client_declined');
    const publicNote = dto.publicNote?.trim() || null;
    await this.act(actor, id, (c) => {
      if (publicNote && containsContact(publicNote, this.contactOf(c))) {
        throw new DomainError('UNPROCESSABLE', "publicNote contains the complainant's contact details; remove them (anyone holding the reference and code reads this note)", {
          field: 'publicNote',
          reason: 'public_note_contact',
        });
      }
      return this.resolution(actor, dto, publicNote);
    });
    return this.detail(actor, id);
  }

  private resolution(actor: Actor, dto: ResolutionDto, publicNote: string | null): TransitionRequest {
    return {
      action: 'resolve',
      expectedVersion: dto.version,
      changes: {
        outcomePublicNote: publicNote,
        outcome: dto.outcome,
        declineReason: dto.declineReason ?? null,
        outcomeBy: actor.userId,
        outcomeAt: this.clock.now(),
        complainantVerified: null,
        complainantVerifiedAt: null,
      },
      event: { type: 'resolved', public: true, note: dto.note?.trim() ? dto.note : null, data: { outcome: dto.outcome } },
      auditDetails: defined({ outcome: dto.outcome, declineReason: dto.declineReason, publicNote: publicNote ? true : undefined }),
    };
  }

  /** For comparing only (the public-note check); never shown. */
  private contactOf(c: Complaint): ContactDetails | null {
    if (!c.contactEnc || c.contactErasedAt) return null;
    return JSON.parse(this.cipher.decrypt(c.contactEnc, contactAad(c.id))) as ContactDetails;
  }

  /** Back to in_review; the outcome and the complainant's verdict are cleared (the timeline keeps them). */
  async reopen(actor: Actor, id: number, dto: ReopenDto) {
    await this.act(actor, id, (c) => ({
      action: 'reopen',
      expectedVersion: dto.version,
      changes: { outcome: null, declineReason: null, outcomeBy: null, outcomeAt: null, outcomePublicNote: null, complainantVerified: null, complainantVerifiedAt: null },
      event: { type: 'reopened', public: true, note: dto.note?.trim() ? dto.note : null, data: c.outcome ? { previousOutcome: c.outcome } : null },
      auditDetails: c.outcome ? { previousOutcome: c.outcome } : undefined,
    }));
    return this.detail(actor, id);
  }

  /**
   * The only way contact details leave the database; audited and noted in the internal timeline.
   * Without the complainant's `mayContact`, only an admin may reveal them, with a written reason.
   */
  async revealContact(actor: Actor, id: number, dto: RevealContactDto = {}): Promise<{ contact: ContactDetails; mayContact: boolean }> {
    const reason = dto.reason?.trim() || undefined;
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const c = assertComplaintVisible(actor, await em.findOne(Complaint, { where: { id } }));
      contactRevealRule(actor, c, reason);
      if (c.contactErasedAt) throw new DomainError('GONE', 'Contact details of this complaint were erased under the retention rule');
      if (!c.contactEnc) throw notFound('Contact details for this complaint');
      const contact = JSON.parse(this.cipher.decrypt(c.contactEnc, contactAad(c.id)));
      this.workflow.addEvent(uow, { actor, complaintId: c.id, event: { type: 'contact_revealed', public: false, note: c.mayContact ? null : (reason ?? null) } });
      this.audit.record(uow, {
        actor,
        action: 'complaint.contact_reveal',
        entity: 'complaint',
        entityId: c.id,
        // The reason is the one free text the audit trail keeps: an override of the complainant's choice must say why.
        details: c.mayContact ? { mayContact: true } : { mayContact: false, reason },
      });
      return { contact, mayContact: c.mayContact };
    });
  }

  /** Scope check and transition in one transaction. */
  private act(actor: Actor, id: number, build: (c: Complaint) => TransitionRequest): Promise<void> {
    return this.db.transaction(async (uow) => {
      const complaint = assertComplaintVisible(actor, await uow.em.findOne(Complaint, { where: { id } }));
      await this.workflow.transition(uow, { actor, complaint, req: build(complaint) });
    });
  }
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
