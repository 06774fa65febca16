import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { mayDiscloseIdentity } from '../access/access-policy';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { dateInZone } from '../common/dates';
import { DomainError, notFound } from '../common/domain-errors';
import { Complaint } from '../complaints/complaint.entity';
import { ContactDetails } from '../complaints/contact-cipher';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { Facility } from '../facilities/facility.entity';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { ContactReader } from './contact-reader';
import { Escalation } from './escalation.entity';
import { EscalationsService } from './escalations.service';
import { DEAD_LINK, ResponseLinks } from './response-links';

export interface LinkView {
  escalationId: number;
  complaintReference: string;
  category: string;
  facility: { id: number; name: string; language: string };
  summary: string;
  dueAt: string;
  dueDate: string;
  linkExpiresAt: string;
  responseState: string;
  /** Only when the complainant consented to share it with the facility. */
  contact: ContactDetails | null;
}

/**
 * What a facility sees and does through its e-mailed link: the facility-safe case, never more.
 * Opening it (GET) changes nothing; only answering (the form's POST) consumes the link.
 */
@Injectable()
export class EscalationLinkService {
  constructor(
    private readonly db: Database,
    private readonly escalations: EscalationsService,
    private readonly links: ResponseLinks,
    private readonly contacts: ContactReader,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async view(token: string): Promise<LinkView> {
    const { esc, complaint, facility } = await this.find(this.db.manager, token);
    // Recorded when the escalation was made, and checked again against the facility as it is now.
    const contact = esc.identityDisclosed && mayDiscloseIdentity(complaint, facility, esc.rung) ? this.contacts.read(complaint) : null;
    if (contact) {
      // Opening the link changes nothing about the case, but every reveal of contact details is audited.
      await this.db.transaction((uow) =>
        this.audit.record(uow, {
          actor: { kind: 'facility_link', userId: null },
          action: 'complaint.contact_reveal',
          entity: 'complaint',
          entityId: complaint.id,
          details: { via: 'facility_link', escalationId: esc.id },
        }),
      );
    }
    return {
      escalationId: esc.id,
      complaintReference: complaint.reference,
      category: complaint.category,
      facility: { id: facility.id, name: facility.name, language: facility.language },
      summary: esc.summary,
      dueAt: esc.dueAt.toISOString(),
      dueDate: dateInZone(esc.dueAt, this.config.timeZone),
      linkExpiresAt: esc.tokenExpiresAt.toISOString(),
      responseState: esc.responseState,
      contact,
    };
  }

  /**
   * The language of the facility a link was sent to, live or dead, so the pages around it (the
   * used-link page, the thank-you page) stay in the language of the e-mail; null for no such link.
   */
  async languageOf(token: string): Promise<string | null> {
    const esc = await this.db.manager.findOne(Escalation, { where: { tokenHash: this.links.hash(token) }, select: { id: true, facilityId: true } });
    if (!esc) return null;
    const facility = await this.db.manager.findOne(Facility, { where: { id: esc.facilityId }, select: { id: true, language: true } });
    return facility?.language ?? null;
  }

  /** The holder of a live link answers; the link is consumed. */
  async respond(token: string, response: string): Promise<{ escalationId: number; reference: string; responseState: string; language: string }> {
    const result = await this.db.transaction(async (uow) => {
      const { esc, complaint, facility } = await this.find(uow.em, token);
      const actor: Actor = { kind: 'facility_link', userId: null, facilityId: esc.facilityId };
      await this.escalations.respond(uow, actor, esc, response.trim(), 'link');
      return { escalationId: esc.id, reference: complaint.reference, responseState: 'responded', language: facility.language };
    });
    this.relay.nudge();
    return result;
  }

  /**
   * A link lives only while its escalation waits for this facility's answer: answered by any
   * route, superseded (the complaint moved on, or the ladder took it to the next rung), the
   * complaint closed or its contact erased, or past its expiry, it is dead, and a dead link says
   * nothing about the case.
   */
  private async find(em: EntityManager, token: string): Promise<{ esc: Escalation; complaint: Complaint; facility: Facility }> {
    const esc = await em.findOne(Escalation, { where: { tokenHash: this.links.hash(token) } });
    if (!esc) throw notFound('Response link');
    const complaint = await em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
    const facility = await em.findOneOrFail(Facility, { where: { id: esc.facilityId } });
    const waiting = esc.responseState === 'awaiting' || (esc.responseState === 'overdue' && !(await em.exists(Escalation, { where: { parentEscalationId: esc.id } })));
    const live = !esc.tokenUsedAt && waiting && complaint.status === 'escalated' && !complaint.contactErasedAt && esc.tokenExpiresAt.getTime() > this.clock.now().getTime();
    if (!live) throw new DomainError('GONE', DEAD_LINK);
    return { esc, complaint, facility };
  }
}
