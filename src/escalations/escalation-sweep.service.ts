import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { addDays, daysBetween, dateInZone } from '../common/dates';
import { ComplaintRetentionService } from '../complaints/complaint-retention.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Council } from '../councils/council.entity';
import { Term } from '../councils/term.entity';
import { Database } from '../database/database.service';
import { MailSend } from '../mail/mail-send.entity';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { OutboxRecord } from '../queue/outbox.entity';
import { QueueService } from '../queue/queue.service';
import { sha256Hex } from '../common/crypto';
import { EscalationMailer, SEND_LEASE_MS } from './escalation-mailer.service';
import { scheduleSend, sendKey } from './escalation-steps';
import { EscalationsService } from './escalations.service';

const BATCH = 500;
/** Relayed outbox records are kept this long for inspection, then deleted. */
const OUTBOX_KEEP_MS = 7 * 86_400_000;

export interface SweepReport {
  breached: number;
  superseded: number;
  enqueued: number;
  councilNotices: number;
  contactsErased: number;
  redisUnavailable: boolean;
}

/**
 * The database holds every deadline; this sweep (one BullMQ job scheduler, every minute, and
 * callable directly) reconciles: breaches and the next rung, steps whose jobs Redis lost, council
 * term and vacancy reminders, contact-detail erasure. Every part is idempotent.
 */
@Injectable()
export class EscalationSweep {
  private readonly logger = new Logger('EscalationSweep');

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly escalations: EscalationsService,
    private readonly mailer: EscalationMailer,
    private readonly queues: QueueService,
    private readonly relay: OutboxRelay,
    private readonly retention: ComplaintRetentionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<SweepReport> {
    const report: SweepReport = { breached: 0, superseded: 0, enqueued: 0, councilNotices: 0, contactsErased: 0, redisUnavailable: false };
    await this.settleEscalations(report);
    await this.councilReminders(report);
    report.contactsErased = await this.retention.eraseExpiredContacts();
    this.relay.nudge();
    await this.reenqueue(report);
    const cutoff = this.clock.now().getTime() - OUTBOX_KEEP_MS;
    await this.db.transaction((em) =>
      em.createQueryBuilder().delete().from(OutboxRecord).where('relayed_at IS NOT NULL AND relayed_at < :cutoff', { cutoff }).execute(),
    );
    return report;
  }

  /** Awaiting escalations past due → overdue (+ next rung); those whose complaint moved on → superseded. */
  private async settleEscalations(report: SweepReport): Promise<void> {
    const now = this.clock.now().getTime();
    const rows: { id: number; status: string; due_at: string | number }[] = await this.db.manager
      .createQueryBuilder()
      .select(['e.id AS id', 'c.status AS status', 'e.due_at AS due_at'])
      .from('escalations', 'e')
      .innerJoin('complaints', 'c', 'c.id = e.complaint_id')
      .where("e.response_state = 'awaiting'")
      .andWhere("(e.due_at <= :now OR c.status <> 'escalated')", { now })
      .orderBy('e.id', 'ASC')
      .limit(BATCH)
      .getRawMany();
    for (const row of rows) {
      const id = Number(row.id);
      try {
        if (row.status !== 'escalated') {
          if (await this.db.transaction((em) => this.escalations.supersedeInTx(em, id))) report.superseded++;
        } else if (await this.db.transaction((em) => this.escalations.breachInTx(em, id))) {
          report.breached++;
        }
      } catch (err) {
        this.logger.warn(`Escalation ${id} could not be settled: ${(err as Error).name}`);
      }
    }
  }

  /** Terms ending within 60 and 30 days and vacant seats: one notice per term and threshold, per vacancy. */
  private async councilReminders(report: SweepReport): Promise<void> {
    const now = this.clock.now();
    const today = dateInZone(now, this.config.timeZone);
    const horizon = addDays(today, 60);
    const terms = await this.db.manager
      .createQueryBuilder(Term, 't')
      .where('t.term_start <= :today AND t.term_end > :today AND (t.ended_on IS NULL OR t.ended_on > :today)', { today })
      .andWhere('t.term_end <= :horizon', { horizon })
      .getMany();
    for (const term of terms) {
      const days = daysBetween(today, term.termEnd);
      const step = days <= 30 ? 'ends30' : 'ends60';
      if (await this.notice(now, `term-${term.id}`, step, term.councilId, term.id)) report.councilNotices++;
    }
    const councils = await this.db.manager.find(Council);
    for (const council of councils) {
      const active = await this.db.manager
        .createQueryBuilder(Term, 't')
        .select('t.id', 'id')
        .where('t.council_id = :c', { c: council.id })
        .andWhere('t.term_start <= :today AND t.term_end > :today AND (t.ended_on IS NULL OR t.ended_on > :today)', { today })
        .orderBy('t.id', 'ASC')
        .getRawMany<{ id: number }>();
      if (active.length >= council.seats) continue;
      // Nobody to tell yet (a council without members): the first member's arrival changes the key.
      if ((await this.mailer.councilRecipients(council.id)).length === 0) continue;
      // Once per vacancy situation: the key changes when the set of seated terms changes.
      const fingerprint = sha256Hex(active.map((a) => String(a.id)).join(',')).slice(0, 12);
      if (await this.notice(now, `vac-${council.id}-${fingerprint}`, 'vacancy', council.id, null)) report.councilNotices++;
    }
  }

  private async notice(now: Date, subjectKey: string, step: string, councilId: number, termId: number | null): Promise<boolean> {
    try {
      return await this.db.transaction((em) =>
        scheduleSend(em, now, this.escalations.domain, { subjectKey, step, audience: 'council', councilId, termId, dueAt: now }),
      );
    } catch {
      // Another sweep inserted the same (key, step) first: the unique index keeps it once.
      return false;
    }
  }

  /** Steps due by the database whose jobs are missing (Redis flushed or restarted), or whose worker died. */
  private async reenqueue(report: SweepReport): Promise<void> {
    if (!this.queues.ready) {
      report.redisUnavailable = true;
      return;
    }
    const now = this.clock.now();
    const stale = Date.now() - SEND_LEASE_MS;
    let cursor = 0;
    for (;;) {
      const rows = await this.db.manager
        .createQueryBuilder(MailSend, 's')
        .where("s.state IN ('pending', 'sending') AND s.due_at <= :now AND s.id > :cursor", { now: now.getTime(), cursor })
        .orderBy('s.id', 'ASC')
        .take(BATCH)
        .getMany();
      for (const s of rows) {
        if (s.state === 'sending' && s.claimedAt !== null && s.claimedAt >= stale) continue;
        try {
          const r = await this.queues.ensure('mail.send', { mailSendId: s.id }, sendKey(s.subjectKey, s.step));
          if (r !== 'present') report.enqueued++;
        } catch {
          report.redisUnavailable = true;
          return;
        }
      }
      if (rows.length < BATCH) return;
      cursor = rows[rows.length - 1].id;
    }
  }
}
