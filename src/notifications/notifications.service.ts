import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Many, many, UnitOfWork } from '../database/unit-of-work';
import { enqueue } from '../queue/outbox-relay.service';
import { MailSend } from './mail-send.entity';
import { mailDomain } from './mail-transport.service';
import { MailStep, NewSend, sendKey } from './notification-steps';

/**
 * Schedules mail: each step becomes a row of mail_sends (its send state) and an outbox job, in the
 * caller's unit of work. The job runs when due; the sender composes and sends it once.
 */
@Injectable()
export class NotificationsService {
  private readonly domain: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.domain = mailDomain(config.mailFrom);
  }

  /**
   * Schedules the steps that do not exist yet (in the database or earlier in this unit); answers,
   * for each, whether it was scheduled now. Ids are reserved first so each job names its send.
   */
  async schedule(uow: UnitOfWork, sends: Many<NewSend>): Promise<boolean[]> {
    const list = many(sends);
    const keys = list.map((s) => sendKey(s.subjectKey, s.step));
    const existing = new Set(uow.pending(MailSend).map((s) => sendKey(s.subjectKey!, s.step!)));
    const subjects = [...new Set(list.map((s) => s.subjectKey))];
    if (subjects.length) {
      const rows = await uow.em.find(MailSend, { where: { subjectKey: In(subjects) }, select: { subjectKey: true, step: true } });
      for (const r of rows) existing.add(sendKey(r.subjectKey, r.step));
    }
    const fresh = list.filter((s, i) => !existing.has(keys[i]) && keys.indexOf(keys[i]) === i);
    const ids = await uow.reserveIds(MailSend, fresh.length);
    uow.append(
      MailSend,
      fresh.map((s, n) => ({
        id: ids[n],
        subjectKey: s.subjectKey,
        step: s.step,
        audience: s.audience,
        escalationId: s.escalationId ?? null,
        councilId: s.councilId ?? null,
        termId: s.termId ?? null,
        state: 'pending' as const,
        attempts: 0,
        messageId: `<${sendKey(s.subjectKey, s.step)}@${this.domain}>`,
        dueAt: s.dueAt,
        claimedAt: null,
        sentAt: null,
        lastError: null,
        createdAt: uow.now,
        updatedAt: uow.now,
      })),
    );
    enqueue(
      uow,
      fresh.map((s, n) => ({
        name: 'mail.send' as const,
        payload: { mailSendId: ids[n] },
        jobId: sendKey(s.subjectKey, s.step),
        runAt: s.dueAt.getTime() > uow.now.getTime() ? s.dueAt : null,
      })),
    );
    const scheduled = new Set(fresh);
    return list.map((s) => scheduled.has(s));
  }

  /** Stops steps that are no longer wanted (reminders of an answered, overdue or superseded escalation). */
  async cancel(uow: UnitOfWork, escalationId: number, steps: MailStep[]): Promise<void> {
    await uow.em
      .createQueryBuilder()
      .update(MailSend)
      .set({ state: 'cancelled', updatedAt: uow.now })
      .where('escalation_id = :id AND state = :s AND step IN (:...steps)', { id: escalationId, s: 'pending', steps })
      .execute();
  }
}
