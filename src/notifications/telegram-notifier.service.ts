import { Inject, Injectable, Logger } from '@nestjs/common';
import { In } from 'typeorm';
import { Complaint } from '../complaints/complaint.entity';
import { notifyChatAad as notifyAad } from '../complaints/contact-cipher';
import { FieldCipher } from '../common/crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { Many, many, UnitOfWork } from '../database/unit-of-work';
import type { Language } from '../facilities/facility.constants';
import { keyRingFor } from '../keys/key-ring';
import { enqueue } from '../queue/outbox-relay.service';
import { MailTemplates } from './mail-templates';
import { TelegramSend } from './telegram-send.entity';
import { TelegramBlockedError, TelegramTransport, TelegramTransientError } from './telegram-transport.service';

const LANGUAGES: Language[] = ['tg', 'ru', 'en'];

/** What happened to a complaint that its complainant can see, named once per event. */
export interface TelegramNews {
  complaintId: number;
  /** Unique per event: `c<complaint>-v<version>`. */
  eventKey: string;
}

/**
 * The `telegram` channel: a neutral message ("there is news about <reference>") to a chat that
 * asked for it, through the outbox and the mail queue like e-mail. One row per event, so a retried
 * or relayed-twice job sends once; a 403 (blocked bot) erases the chat.
 */
@Injectable()
export class TelegramNotifier {
  private readonly logger = new Logger('TelegramNotifier');
  private readonly cipher: FieldCipher;

  constructor(
    private readonly db: Database,
    private readonly transport: TelegramTransport,
    private readonly templates: MailTemplates,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = keyRingFor(config).cipher('telegram');
  }

  /** Rows and jobs for the events not announced yet (in the database or earlier in this unit). */
  async schedule(uow: UnitOfWork, news: Many<TelegramNews>): Promise<void> {
    const pending = new Set(uow.pending(TelegramSend).map((s) => s.eventKey));
    const list = many(news).filter((n, i, all) => !pending.has(n.eventKey) && all.findIndex((m) => m.eventKey === n.eventKey) === i);
    if (!list.length) return;
    const known = await uow.em.find(TelegramSend, { where: { eventKey: In(list.map((n) => n.eventKey)) }, select: { eventKey: true } });
    const fresh = list.filter((n) => !known.some((k) => k.eventKey === n.eventKey));
    const ids = await uow.reserveIds(TelegramSend, fresh.length);
    uow.append(
      TelegramSend,
      fresh.map((n, i) => ({ id: ids[i], complaintId: n.complaintId, eventKey: n.eventKey, state: 'pending' as const, attempts: 0, lastError: null, createdAt: uow.now, updatedAt: uow.now, sentAt: null })),
    );
    enqueue(
      uow,
      fresh.map((n, i) => ({ name: 'telegram.send' as const, payload: { telegramSendId: ids[i] }, jobId: `tg-${n.eventKey}`, runAt: null })),
    );
  }

  /** The `telegram.send` job. Throws on a transient failure so the queue retries it. */
  async handle(telegramSendId: number): Promise<'sent' | 'skipped' | 'gone'> {
    const send = await this.db.manager.findOne(TelegramSend, { where: { id: telegramSendId } });
    if (!send || send.state !== 'pending') return 'skipped';
    const complaint = await this.db.manager.findOne(Complaint, {
      where: { id: send.complaintId },
      select: { id: true, reference: true, notifyChatEnc: true, notifyChatKey: true, notifyLanguage: true },
    });
    if (!complaint?.notifyChatEnc) {
      // The person said /forget, or retention erased the chat, after the event was scheduled.
      await this.finish(send, 'failed', 'NO_CHAT');
      return 'gone';
    }
    const lang = LANGUAGES.includes(complaint.notifyLanguage as Language) ? (complaint.notifyLanguage as Language) : 'ru';
    const text = this.templates.text(lang, 'telegram_news', { reference: complaint.reference });
    try {
      await this.transport.send(this.cipher.decrypt(complaint.notifyChatEnc, notifyAad(complaint.id)), text);
    } catch (err) {
      if (err instanceof TelegramBlockedError) {
        await this.db.transaction(async ({ em, now }) => {
          await em.update(TelegramSend, { id: send.id }, { state: 'failed', lastError: 'BLOCKED', attempts: send.attempts + 1, updatedAt: now });
          // The chat no longer takes our messages: nothing of it is kept, for any complaint.
          if (complaint.notifyChatKey) {
            await em.update(Complaint, { notifyChatKey: complaint.notifyChatKey }, { notifyChatEnc: null, notifyChatKey: null, notifyLanguage: null });
          }
        });
        this.logger.warn(`Telegram news ${send.id} refused (bot blocked); the chat was erased`);
        return 'gone';
      }
      const summary = err instanceof TelegramTransientError ? err.summary : (err as Error).name;
      await this.db.transaction(({ em, now }) => em.update(TelegramSend, { id: send.id }, { attempts: send.attempts + 1, lastError: summary, updatedAt: now }));
      throw err instanceof TelegramTransientError ? err : new TelegramTransientError(summary);
    }
    await this.finish(send, 'sent', null);
    return 'sent';
  }

  private finish(send: TelegramSend, state: 'sent' | 'failed', lastError: string | null): Promise<unknown> {
    return this.db.transaction(({ em, now }) =>
      em.update(TelegramSend, { id: send.id, state: 'pending' }, { state, lastError, attempts: send.attempts + 1, updatedAt: now, sentAt: state === 'sent' ? now : null }),
    );
  }
}
