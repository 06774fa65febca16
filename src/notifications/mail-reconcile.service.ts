import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Database } from '../database/database.service';
import { QueueService } from '../queue/queue.service';
import { MailSend } from './mail-send.entity';
import { SEND_LEASE_MS } from './mail-sender.service';
import { sendKey } from './notification-steps';
import { TelegramSend } from './telegram-send.entity';

const BATCH = 500;

/**
 * The database holds every mail that must still go out; Redis may have lost its job (flushed, or
 * restarted without persistence) or its worker may have died mid-send. This periodic job
 * (`mail.reconcile`) makes sure each due step, and each pending Telegram news message, has a job again.
 */
@Injectable()
export class MailReconcile {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly queues: QueueService,
  ) {}

  async run(): Promise<{ enqueued: number; redisUnavailable: boolean }> {
    const report = { enqueued: 0, redisUnavailable: false };
    if (!this.queues.ready) return { ...report, redisUnavailable: true };
    const stale = Date.now() - SEND_LEASE_MS;
    for (let cursor = 0; ; ) {
      const rows = await this.db.manager
        .createQueryBuilder(MailSend, 's')
        .where("s.state IN ('pending', 'sending') AND s.due_at <= :now AND s.id > :cursor", { now: this.clock.now().getTime(), cursor })
        .orderBy('s.id', 'ASC')
        .take(BATCH)
        .getMany();
      for (const s of rows) {
        if (s.state === 'sending' && s.claimedAt !== null && s.claimedAt >= stale) continue;
        try {
          if ((await this.queues.ensure('mail.send', { mailSendId: s.id }, sendKey(s.subjectKey, s.step))) !== 'present') report.enqueued++;
        } catch {
          return { ...report, redisUnavailable: true };
        }
      }
      if (rows.length < BATCH) break;
      cursor = rows[rows.length - 1].id;
    }
    return this.telegram(report);
  }

  /** Telegram news still pending a minute after it was scheduled gets its job again. */
  private async telegram(report: { enqueued: number; redisUnavailable: boolean }) {
    const rows = await this.db.manager
      .createQueryBuilder(TelegramSend, 's')
      .where("s.state = 'pending' AND s.created_at <= :before", { before: this.clock.now().getTime() - 60_000 })
      .orderBy('s.id', 'ASC')
      .take(BATCH)
      .getMany();
    for (const s of rows) {
      try {
        if ((await this.queues.ensure('telegram.send', { telegramSendId: s.id }, `tg-${s.eventKey}`)) !== 'present') report.enqueued++;
      } catch {
        return { ...report, redisUnavailable: true };
      }
    }
    return report;
  }
}
