import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { Clock } from '../common/clock';
import { dateInZone } from '../common/dates';
import { queryRows } from '../database/sql';
import { Complaint } from '../complaints/complaint.entity';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { City } from '../councils/city.entity';
import { Council } from '../councils/council.entity';
import { Member } from '../councils/member.entity';
import { Term } from '../councils/term.entity';
import { Database } from '../database/database.service';
import { BatchOutcome, GroupCommit } from '../database/group-commit';
import { Facility } from '../facilities/facility.entity';
import type { Language } from '../facilities/facility.constants';
import { MailSend } from '../mail/mail-send.entity';
import { COUNCIL_LANGUAGE, MailTemplates, TemplateKey } from '../mail/mail-templates';
import { MailTransport, OutgoingMail, PermanentMailError, TransientMailError } from '../mail/mail-transport.service';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { Escalation } from './escalation.entity';
import { mayDiscloseIdentity } from '../access/access-policy';
import { ContactReader } from './contact-reader';
import { escalationKey, scheduleSend } from './escalation-steps';
import { EscalationsService } from './escalations.service';

/** A claim on a send older than this (wall clock) belongs to a worker that died mid-send. */
export const SEND_LEASE_MS = 12_000;

const FACILITY_STEP_KEYS: Record<string, [TemplateKey, TemplateKey]> = {
  initial: ['escalation_initial_subject', 'escalation_initial_body'],
  reminder1: ['escalation_reminder1_subject', 'escalation_reminder1_body'],
  reminder2: ['escalation_reminder2_subject', 'escalation_reminder2_body'],
  overdue: ['escalation_overdue_subject', 'escalation_overdue_body'],
};

/** Thrown when another worker holds a fresh claim on the same send; the job retries later. */
export class SendBusyError extends Error {
  override name = 'SendBusyError';
}

/**
 * Sends one row of mail_sends at most once per claim: pending → sending → sent | failed. A job that
 * finds the row sent, failed or cancelled does nothing. A crash between the SMTP server's 250 and the
 * database update resends the same Message-ID, so a duplicate is recognisable.
 */
@Injectable()
export class EscalationMailer {
  private readonly logger = new Logger('EscalationMailer');
  /** Claims and completions of the sends running at the same time share transactions. */
  private readonly claims: GroupCommit<number, boolean>;
  private readonly sentMarks: GroupCommit<MailSend, void>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly transport: MailTransport,
    private readonly templates: MailTemplates,
    private readonly escalations: EscalationsService,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
    private readonly contacts: ContactReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.claims = new GroupCommit(db, (em, ids) => this.claimBatch(em, ids));
    this.sentMarks = new GroupCommit(db, (em, sends) => this.markSentBatch(em, sends));
  }

  async handle(mailSendId: number): Promise<'sent' | 'skipped' | 'cancelled' | 'failed'> {
    const send = await this.db.manager.findOne(MailSend, { where: { id: mailSendId } });
    if (!send || send.state === 'sent' || send.state === 'failed' || send.state === 'cancelled') return 'skipped';
    // Scheduled steps run when due by the service clock; the sweep enqueues them again then.
    if (send.dueAt.getTime() > this.clock.now().getTime()) return 'skipped';

    const mail = await this.compose(send);
    if (mail === 'cancel') {
      await this.db.transaction((em) => em.update(MailSend, { id: send.id, state: 'pending' }, { state: 'cancelled', updatedAt: this.clock.now() }));
      return 'cancelled';
    }

    const claimed = await this.claim(send.id);
    if (!claimed) {
      const now = await this.db.manager.findOne(MailSend, { where: { id: send.id } });
      if (now?.state === 'sending') throw new SendBusyError(`send ${send.id} is claimed by another worker`);
      return 'skipped';
    }

    try {
      if (mail === 'no-recipients') throw new PermanentMailError('NO_RECIPIENTS rejected');
      await this.transport.send(mail);
    } catch (err) {
      if (err instanceof PermanentMailError) {
        await this.markFailed(send, err.summary);
        this.logger.warn(`Mail ${send.subjectKey}/${send.step} failed permanently`);
        this.relay.nudge();
        throw err;
      }
      const summary = err instanceof TransientMailError ? err.summary : (err as Error).name;
      await this.db.transaction((em) =>
        em.update(MailSend, { id: send.id, state: 'sending' }, { state: 'pending', claimedAt: null, lastError: summary, updatedAt: this.clock.now() }),
      );
      throw err instanceof TransientMailError ? err : new TransientMailError(summary);
    }
    await this.markSent(send);
    return 'sent';
  }

  /** pending → sending, or takes over a claim whose worker died. Exactly one claimant wins. */
  private claim(id: number): Promise<boolean> {
    return this.claims.submit(id);
  }

  /** The claims of the jobs running together, in one statement. */
  private async claimBatch(em: EntityManager, ids: number[]): Promise<BatchOutcome<boolean>[]> {
    const wall = Date.now();
    const params: unknown[] = [wall, this.clock.now().getTime(), wall - SEND_LEASE_MS];
    const list = [...new Set(ids)].map((id) => `$${params.push(id)}`).join(', ');
    const rows = await queryRows<{ id: number | string }>(
      em,
      `UPDATE mail_sends SET state = 'sending', attempts = attempts + 1, claimed_at = $1, updated_at = $2
       WHERE id IN (${list}) AND (state = 'pending' OR (state = 'sending' AND (claimed_at IS NULL OR claimed_at < $3)))
       RETURNING id`,
      params,
    );
    const won = new Set(rows.map((r) => Number(r.id)));
    // Two jobs for the same send in one batch: the first one holds the claim.
    return ids.map((id) => ({ ok: won.delete(id) }));
  }

  private markSent(send: MailSend): Promise<void> {
    return this.sentMarks.submit(send);
  }

  /** sending → sent for the mails that went out together, with their escalations and disclosures. */
  private async markSentBatch(em: EntityManager, sends: MailSend[]): Promise<BatchOutcome<void>[]> {
    const now = this.clock.now();
    await em.update(MailSend, { id: In(sends.map((s) => s.id)) }, { state: 'sent', sentAt: now, lastError: null, updatedAt: now });
    const facilitySends = sends.filter((s) => s.audience === 'facility' && s.escalationId);
    const initial = facilitySends.filter((s) => s.step === 'initial').map((s) => s.escalationId!);
    if (initial.length) await em.update(Escalation, { id: In(initial), deliveryState: 'queued' }, { deliveryState: 'sent', updatedAt: now });
    if (facilitySends.length) {
      const disclosing = new Map(
        (await em.find(Escalation, { where: { id: In(facilitySends.map((s) => s.escalationId!)), identityDisclosed: true }, select: { id: true, complaintId: true } })).map((e) => [
          e.id,
          e,
        ]),
      );
      // With the complainant's consent the facility mail carries their contact: a disclosure, audited.
      await this.audit.recordMany(
        em,
        facilitySends
          .filter((s) => disclosing.has(s.escalationId!))
          .map((s) => ({
            actor: SYSTEM_ACTOR,
            action: 'complaint.contact_disclosed',
            entity: 'complaint',
            entityId: disclosing.get(s.escalationId!)!.complaintId,
            details: { via: 'facility_mail', escalationId: s.escalationId, step: s.step },
          })),
      );
    }
    return sends.map(() => ({ ok: undefined }));
  }

  private async markFailed(send: MailSend, summary: string): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (em) => {
      await em.update(MailSend, { id: send.id }, { state: 'failed', lastError: summary, updatedAt: now });
      if (send.audience !== 'facility' || !send.escalationId) return;
      const esc = await em.findOneOrFail(Escalation, { where: { id: send.escalationId } });
      await em.update(Escalation, { id: esc.id }, { deliveryState: 'failed', lastError: `${send.step}: ${summary}`.slice(0, 500), updatedAt: now });
      await this.audit.record(em, SYSTEM_ACTOR, { action: 'escalation.delivery_failed', entity: 'escalation', entityId: esc.id, details: { step: send.step } });
      await this.scheduleCouncilNotice(em, esc, 'council-failed', now);
    });
  }

  private async scheduleCouncilNotice(em: EntityManager, esc: Escalation, step: string, now: Date): Promise<void> {
    const council = await em.findOne(Council, { where: { cityId: esc.cityId } });
    await scheduleSend(em, now, this.escalations.domain, { subjectKey: escalationKey(esc.id), step, audience: 'council', escalationId: esc.id, councilId: council?.id ?? null, dueAt: now });
  }

  /** Builds the message; 'cancel' when the step is no longer wanted. */
  async compose(send: MailSend): Promise<OutgoingMail | 'cancel' | 'no-recipients'> {
    if (send.audience === 'facility') return this.composeFacility(send);
    return this.composeCouncil(send);
  }

  private fmtDate(d: Date): string {
    return dateInZone(d, this.config.timeZone);
  }

  private async composeFacility(send: MailSend): Promise<OutgoingMail | 'cancel' | 'no-recipients'> {
    const em = this.db.manager;
    const esc = await em.findOne(Escalation, { where: { id: send.escalationId! } });
    if (!esc) return 'cancel';
    const complaint = await em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
    if ((send.step === 'reminder1' || send.step === 'reminder2') && (esc.responseState !== 'awaiting' || complaint.status !== 'escalated')) return 'cancel';
    const facility = await em.findOneOrFail(Facility, { where: { id: esc.facilityId } });
    const city = await em.findOneOrFail(City, { where: { id: esc.cityId } });
    const lang = facility.language as Language;
    const keys = FACILITY_STEP_KEYS[send.step];
    if (!keys) return 'cancel';
    const token = this.escalations.decryptToken(esc);
    const linkBlock = token
      ? `${this.templates.text(lang, 'link_intro', { linkExpires: this.fmtDate(esc.tokenExpiresAt) })}\n${this.escalations.linkUrl(token)}`
      : '';
    let identity = this.templates.text(lang, 'identity_none');
    // Recorded when the escalation was made, and checked again against the facility as it is now.
    if (esc.identityDisclosed && mayDiscloseIdentity(complaint, facility, esc.rung)) {
      const contact = this.contacts.read(complaint);
      if (contact) {
        const lines = (['phone', 'email', 'other'] as const)
          .filter((k) => contact[k])
          .map((k) => `${this.templates.text(lang, `contact_${k}` as TemplateKey)}: ${contact[k]}`);
        if (lines.length) identity = `${this.templates.text(lang, 'identity_intro')}\n${lines.join('\n')}`;
      }
    }
    let ladder = this.templates.text(lang, 'ladder_none');
    if (send.step === 'overdue') {
      const next = await em.findOne(Escalation, { where: { parentEscalationId: esc.id } });
      const parent = next ? await em.findOne(Facility, { where: { id: next.facilityId } }) : null;
      if (parent) ladder = this.templates.text(lang, 'ladder_referred', { parent: parent.name });
    }
    const vars = {
      facility: facility.name,
      city: city.name,
      reference: complaint.reference,
      category: this.templates.text(lang, `category_${complaint.category}` as TemplateKey),
      summary: esc.summary,
      dueDate: this.fmtDate(esc.dueAt),
      identity,
      linkBlock,
      ladder,
      signature: this.templates.text(lang, 'signature'),
    };
    const to = facility.contactEmails ?? [];
    if (to.length === 0) return 'no-recipients';
    return { to, subject: this.templates.text(lang, keys[0], vars), text: this.templates.text(lang, keys[1], vars), messageId: send.messageId };
  }

  private async composeCouncil(send: MailSend): Promise<OutgoingMail | 'cancel' | 'no-recipients'> {
    const em = this.db.manager;
    if (!send.councilId) return 'no-recipients';
    const council = await em.findOneOrFail(Council, { where: { id: send.councilId } });
    const to = await this.councilRecipients(send.councilId);
    if (to.length === 0) return 'no-recipients';
    const lang = COUNCIL_LANGUAGE;
    const vars: Record<string, string | number> = { council: council.name };
    if (send.escalationId) {
      const esc = await em.findOneOrFail(Escalation, { where: { id: send.escalationId } });
      const complaint = await em.findOneOrFail(Complaint, { where: { id: esc.complaintId } });
      const facility = await em.findOneOrFail(Facility, { where: { id: esc.facilityId } });
      const next = await em.findOne(Escalation, { where: { parentEscalationId: esc.id } });
      const parent = next ? await em.findOne(Facility, { where: { id: next.facilityId } }) : null;
      Object.assign(vars, {
        reference: complaint.reference,
        facility: facility.name,
        dueDate: this.fmtDate(esc.dueAt),
        error: esc.lastError ?? '',
        ladder: parent ? this.templates.text(lang, 'ladder_referred', { parent: parent.name }) : '',
      });
    }
    if (send.termId) {
      const term = await em.findOneOrFail(Term, { where: { id: send.termId } });
      const member = await em.findOneOrFail(Member, { where: { id: term.memberId } });
      const today = dateInZone(this.clock.now(), this.config.timeZone);
      Object.assign(vars, { member: member.name, termEnd: term.termEnd, days: Math.max(0, Math.round((Date.parse(term.termEnd) - Date.parse(today)) / 86_400_000)) });
    }
    if (send.step === 'vacancy') {
      const active = await this.activeTermCount(send.councilId);
      Object.assign(vars, { active, seats: council.seats, vacant: Math.max(0, council.seats - active) });
    }
    const base = send.step.startsWith('council-') ? `council_${send.step.slice('council-'.length)}` : `council_${send.step}`;
    const subjectKey = `${base}_subject`;
    const bodyKey = `${base}_body`;
    if (!this.templates.has(lang, subjectKey) || !this.templates.has(lang, bodyKey)) return 'cancel';
    return { to, subject: this.templates.text(lang, subjectKey, vars), text: this.templates.text(lang, bodyKey, vars), messageId: send.messageId };
  }

  private today(): string {
    return dateInZone(this.clock.now(), this.config.timeZone);
  }

  /** E-mails of the council's members whose term is active today. */
  async councilRecipients(councilId: number): Promise<string[]> {
    const today = this.today();
    const rows: { email: string }[] = await this.db.manager
      .createQueryBuilder()
      .select('DISTINCT u.email', 'email')
      .from('users', 'u')
      .innerJoin('terms', 't', 't.member_id = u.member_id')
      .where("u.role = 'kpac_member' AND u.active = :active AND t.council_id = :c", { active: true, c: councilId })
      .andWhere('t.term_start <= :today AND t.term_end > :today AND (t.ended_on IS NULL OR t.ended_on > :today)', { today })
      .getRawMany();
    return rows.map((r) => r.email).sort();
  }

  async activeTermCount(councilId: number): Promise<number> {
    const today = this.today();
    return this.db.manager
      .createQueryBuilder(Term, 't')
      .where('t.council_id = :c', { c: councilId })
      .andWhere('t.term_start <= :today AND t.term_end > :today AND (t.ended_on IS NULL OR t.ended_on > :today)', { today })
      .getCount();
  }
}
