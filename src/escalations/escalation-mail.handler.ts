import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { mayDiscloseIdentity } from '../access/access-policy';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { dateInZone } from '../common/dates';
import { Complaint } from '../complaints/complaint.entity';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { City } from '../councils/city.entity';
import { Database } from '../database/database.service';
import { UnitOfWork } from '../database/unit-of-work';
import type { Language } from '../facilities/facility.constants';
import { Facility } from '../facilities/facility.entity';
import { CouncilMail } from '../notifications/council-mail';
import { MailSend } from '../notifications/mail-send.entity';
import { Composed, MailSubjectHandler } from '../notifications/mail-sender.service';
import { MailTemplates, TemplateKey } from '../notifications/mail-templates';
import { FACILITY_REMINDERS, FacilityStep } from '../notifications/notification-steps';
import { NotificationsService } from '../notifications/notifications.service';
import { ContactReader } from './contact-reader';
import { Escalation } from './escalation.entity';
import { EscalationsService } from './escalations.service';
import { ResponseLinks } from './response-links';

/**
 * What an escalation's mails say (to the facility, in its language; to the council) and what
 * their delivery changes: the escalation's delivery state, the audited disclosure of a consented
 * contact, and a notice to the council when a facility's mail cannot be delivered.
 */
@Injectable()
export class EscalationMailHandler implements MailSubjectHandler {
  constructor(
    private readonly db: Database,
    private readonly templates: MailTemplates,
    private readonly councilMail: CouncilMail,
    private readonly contacts: ContactReader,
    private readonly links: ResponseLinks,
    private readonly escalations: EscalationsService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async compose(send: MailSend): Promise<Composed> {
    const esc = await this.db.manager.findOne(Escalation, { where: { id: send.escalationId! } });
    if (!esc) return 'cancel';
    return send.audience === 'facility' ? this.toFacility(send, esc) : this.toCouncil(send, esc);
  }

  private async toFacility(send: MailSend, esc: Escalation): Promise<Composed> {
    const em = this.db.manager;
    const complaint = await em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
    if (FACILITY_REMINDERS.includes(send.step as FacilityStep) && (esc.responseState !== 'awaiting' || complaint.status !== 'escalated')) return 'cancel';
    const facility = await em.findOneOrFail(Facility, { where: { id: esc.facilityId } });
    const city = await em.findOneOrFail(City, { where: { id: esc.cityId } });
    const lang = facility.language as Language;
    const token = this.links.open(esc);
    const linkBlock = token ? `${this.templates.text(lang, 'link_intro', { linkExpires: this.day(lang, esc.tokenExpiresAt) })}\n${this.links.url(token)}` : '';
    let identity = this.templates.text(lang, 'identity_none');
    // Recorded when the escalation was made, and checked again against the facility as it is now.
    const contact = esc.identityDisclosed && mayDiscloseIdentity(complaint, facility, esc.rung) ? this.contacts.read(complaint) : null;
    const lines = (['phone', 'email', 'other'] as const).filter((k) => contact?.[k]).map((k) => `${this.templates.text(lang, `contact_${k}` as TemplateKey)}: ${contact![k]}`);
    if (lines.length) identity = `${this.templates.text(lang, 'identity_intro')}\n${lines.join('\n')}`;
    const next = send.step === 'overdue' ? await this.nextRung(esc) : null;
    if (!facility.contactEmails?.length) return 'no-recipients';
    return this.templates.mail(lang, send, facility.contactEmails, {
      facility: facility.name,
      city: this.templates.cityName(lang, city),
      reference: complaint.reference,
      category: this.templates.text(lang, `category_${complaint.category}` as TemplateKey),
      summary: esc.summary,
      dueDate: this.day(lang, esc.dueAt),
      identity,
      linkBlock,
      ladder: next ? this.templates.text(lang, 'ladder_referred', { parent: next.name }) : this.templates.text(lang, 'ladder_none'),
      signature: this.templates.text(lang, 'signature'),
    });
  }

  private toCouncil(send: MailSend, esc: Escalation): Promise<Composed> {
    return this.councilMail.compose(send, async (lang) => {
      const complaint = await this.db.manager.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
      const facility = await this.db.manager.findOneOrFail(Facility, { where: { id: esc.facilityId } });
      const next = await this.nextRung(esc);
      return {
        reference: complaint.reference,
        facility: facility.name,
        dueDate: this.day(lang, esc.dueAt),
        error: esc.lastError ?? '',
        ladder: next ? this.templates.text(lang, 'ladder_referred', { parent: next.name }) : '',
      };
    });
  }

  /** The facility of the rung above, once the ladder has taken the case there. */
  private async nextRung(esc: Escalation): Promise<Facility | null> {
    const next = await this.db.manager.findOne(Escalation, { where: { parentEscalationId: esc.id } });
    return next ? this.db.manager.findOne(Facility, { where: { id: next.facilityId } }) : null;
  }

  /** Facility mails sent: the escalation is delivered, and a consented contact that went with it is audited. */
  async sent(uow: UnitOfWork, sends: MailSend[]): Promise<void> {
    const facilitySends = sends.filter((s) => s.audience === 'facility');
    const initial = facilitySends.filter((s) => s.step === 'initial').map((s) => s.escalationId!);
    if (initial.length) await uow.em.update(Escalation, { id: In(initial), deliveryState: 'queued' }, { deliveryState: 'sent', updatedAt: uow.now });
    if (!facilitySends.length) return;
    const disclosing = await uow.em.find(Escalation, { where: { id: In(facilitySends.map((s) => s.escalationId!)), identityDisclosed: true }, select: { id: true, complaintId: true } });
    const complaintOf = new Map(disclosing.map((e) => [e.id, e.complaintId]));
    this.audit.record(
      uow,
      facilitySends
        .filter((s) => complaintOf.has(s.escalationId!))
        .map((s) => ({
          actor: SYSTEM_ACTOR,
          action: 'complaint.contact_disclosed',
          entity: 'complaint',
          entityId: complaintOf.get(s.escalationId!)!,
          details: { via: 'facility_mail', escalationId: s.escalationId, step: s.step },
        })),
    );
  }

  /** A facility mail that cannot be delivered: the escalation shows it, and the council is told. */
  async failed(uow: UnitOfWork, send: MailSend, summary: string): Promise<void> {
    if (send.audience !== 'facility') return;
    const esc = await uow.em.findOneOrFail(Escalation, { where: { id: send.escalationId! } });
    await uow.em.update(Escalation, { id: esc.id }, { deliveryState: 'failed', lastError: `${send.step}: ${summary}`.slice(0, 500), updatedAt: uow.now });
    this.audit.record(uow, { actor: SYSTEM_ACTOR, action: 'escalation.delivery_failed', entity: 'escalation', entityId: esc.id, details: { step: send.step } });
    await this.notifications.schedule(uow, await this.escalations.councilNotice(uow, esc, 'council-failed'));
  }

  /** The calendar date of an instant in the service's zone, as the reader writes it. */
  private day(lang: Language, d: Date): string {
    return this.templates.date(lang, dateInZone(d, this.config.timeZone));
  }
}
