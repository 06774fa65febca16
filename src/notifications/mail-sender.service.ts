import { Injectable, Logger } from '@nestjs/common';
import { In } from 'typeorm';
import { Clock } from '../common/clock';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { MailSend, subjectOf } from './mail-send.entity';
import { MailTransport, OutgoingMail, PermanentMailError, TransientMailError } from './mail-transport.service';
import type { MailSubject } from './notification-steps';

/** A claim on a send older than this (wall clock) belongs to a worker that died mid-send. */
export const SEND_LEASE_MS = 12_000;

/** What composing a send gives: the message, or why there is none. */
/** One message, or one per language when the recipients read different ones. */
export type Composed = OutgoingMail | OutgoingMail[] | 'cancel' | 'no-recipients';

/**
 * The feature a mail is about composes it (in the reader's language, from its own records) and
 * hears how it went: sent (in the sender's unit of work, with the other sends of that moment) or
 * failed for good.
 */
export interface MailSubjectHandler {
  compose(send: MailSend): Promise<Composed>;
  sent?(uow: UnitOfWork, sends: MailSend[]): Promise<void>;
  failed?(uow: UnitOfWork, send: MailSend, summary: string): Promise<void>;
}

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
export class MailSender {
  private readonly logger = new Logger('MailSender');
  private readonly handlers = new Map<MailSubject, MailSubjectHandler>();
  /** Claims and completions of the sends running at the same time share transactions. */
  private readonly claim: (id: number) => Promise<boolean>;
  private readonly markSent: (send: MailSend) => Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly transport: MailTransport,
    private readonly relay: OutboxRelay,
  ) {
    this.claim = db.command({ check: async (_uow, ids) => ids.map(() => null), apply: (uow, ids) => this.claimAll(uow, ids) });
    this.markSent = db.command({ check: async (_uow, sends) => sends.map(() => null), apply: (uow, sends) => this.markAllSent(uow, sends) });
  }

  /** Each feature registers the subjects it sends mail about. */
  register(subject: MailSubject, handler: MailSubjectHandler): void {
    if (this.handlers.has(subject)) throw new Error(`Mail subject ${subject} has two handlers`);
    this.handlers.set(subject, handler);
  }

  async handle(mailSendId: number): Promise<'sent' | 'skipped' | 'cancelled' | 'failed'> {
    const send = await this.db.manager.findOne(MailSend, { where: { id: mailSendId } });
    if (!send || send.state === 'sent' || send.state === 'failed' || send.state === 'cancelled') return 'skipped';
    // Scheduled steps run when due by the service clock; the reconcile job enqueues them again then.
    if (send.dueAt.getTime() > this.clock.now().getTime()) return 'skipped';

    const mail = await this.handler(send).compose(send);
    if (mail === 'cancel') {
      await this.db.transaction(({ em, now }) => em.update(MailSend, { id: send.id, state: 'pending' }, { state: 'cancelled', updatedAt: now }));
      return 'cancelled';
    }
    if (!(await this.claim(send.id))) {
      const current = await this.db.manager.findOne(MailSend, { where: { id: send.id } });
      if (current?.state === 'sending') throw new SendBusyError(`send ${send.id} is claimed by another worker`);
      return 'skipped';
    }
    try {
      if (mail === 'no-recipients') throw new PermanentMailError('NO_RECIPIENTS rejected');
      for (const one of Array.isArray(mail) ? mail : [mail]) await this.transport.send(one);
    } catch (err) {
      if (err instanceof PermanentMailError) {
        await this.markFailed(send, err.summary);
        this.logger.warn(`Mail ${send.subjectKey}/${send.step} failed permanently`);
        this.relay.nudge();
        throw err;
      }
      const summary = err instanceof TransientMailError ? err.summary : (err as Error).name;
      await this.db.transaction(({ em, now }) => em.update(MailSend, { id: send.id, state: 'sending' }, { state: 'pending', claimedAt: null, lastError: summary, updatedAt: now }));
      throw err instanceof TransientMailError ? err : new TransientMailError(summary);
    }
    await this.markSent(send);
    return 'sent';
  }

  /** pending → sending, or takes over a claim whose worker died. Exactly one claimant wins. */
  private async claimAll(uow: UnitOfWork, ids: number[]): Promise<boolean[]> {
    const wall = Date.now();
    const params: unknown[] = [wall, uow.now.getTime(), wall - SEND_LEASE_MS];
    const list = [...new Set(ids)].map((id) => `$${params.push(id)}`).join(', ');
    const rows = await queryRows<{ id: number | string }>(
      uow.em,
      `UPDATE mail_sends SET state = 'sending', attempts = attempts + 1, claimed_at = $1, updated_at = $2
       WHERE id IN (${list}) AND (state = 'pending' OR (state = 'sending' AND (claimed_at IS NULL OR claimed_at < $3)))
       RETURNING id`,
      params,
    );
    const won = new Set(rows.map((r) => Number(r.id)));
    // Two jobs for the same send in one batch: the first one holds the claim.
    return ids.map((id) => won.delete(id));
  }

  /** sending → sent for the mails that went out together; their features hear of it in the same unit. */
  private async markAllSent(uow: UnitOfWork, sends: MailSend[]): Promise<void[]> {
    await uow.em.update(MailSend, { id: In(sends.map((s) => s.id)) }, { state: 'sent', sentAt: uow.now, lastError: null, updatedAt: uow.now });
    for (const [subject, handler] of this.handlers) {
      const mine = sends.filter((s) => subjectOf(s) === subject);
      if (mine.length && handler.sent) await handler.sent(uow, mine);
    }
    return sends.map(() => undefined);
  }

  private async markFailed(send: MailSend, summary: string): Promise<void> {
    await this.db.transaction(async (uow) => {
      await uow.em.update(MailSend, { id: send.id }, { state: 'failed', lastError: summary, updatedAt: uow.now });
      await this.handler(send).failed?.(uow, send, summary);
    });
  }

  private handler(send: MailSend): MailSubjectHandler {
    const handler = this.handlers.get(subjectOf(send));
    if (!handler) throw new Error(`No mail handler for ${subjectOf(send)} (send ${send.id})`);
    return handler;
  }
}
