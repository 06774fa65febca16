import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { FieldCipher } from '../common/crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Complaint } from '../complaints/complaint.entity';
import { Database } from '../database/database.service';
import { TelegramConversation } from './telegram-conversation.entity';
import { conversationAad, telegramCipher } from './telegram-crypto';
import type { BotLanguage } from './telegram-texts';

/** A conversation goes idle, and is forgotten, after this long without a message. */
export const CONVERSATION_IDLE_MS = 30 * 60_000;
const RATE_WINDOW_MS = 60_000;

/** The answers given so far in one flow (kept encrypted, for 30 idle minutes at most). */
export interface Draft {
  flow: 'intake' | 'status' | 'rate';
  step: string;
  cityId?: number;
  facilityId?: number | null;
  category?: string;
  description?: string;
  desiredOutcome?: string;
  gender?: string;
  ageGroup?: string;
  contact?: { phone?: string; email?: string };
  mayContact?: boolean;
  disclose?: boolean;
  reference?: string;
  code?: string;
  ratings?: Record<string, number>;
}

export interface Loaded {
  language: BotLanguage | null;
  draft: Draft | null;
  /** An unfinished draft was dropped because the chat went idle. */
  expired: boolean;
  /** 'over': the first update past the limit (answered once); 'silent': later ones (ignored). */
  rate: 'ok' | 'over' | 'silent';
}

/** Conversation state by the keyed hash of the chat id; nothing of Telegram's in clear. */
@Injectable()
export class TelegramConversations {
  private readonly cipher: FieldCipher;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = telegramCipher(config);
  }

  /** Reads the chat's state and counts this update in its rate window. */
  async touch(chatKey: string): Promise<Loaded> {
    const limit = this.config.telegram?.ratePerMinute ?? 30;
    return this.db.transaction(async ({ em }) => {
      const now = this.clock.now();
      const row = await em.findOne(TelegramConversation, { where: { chatKey } });
      if (!row) {
        // Two first updates of one chat at once (webhook): the second finds the row next time.
        await em.createQueryBuilder().insert().into(TelegramConversation).values({ chatKey, language: null, stateEnc: null, windowStart: now, windowCount: 1, updatedAt: now }).orIgnore().execute();
        return { language: null, draft: null, expired: false, rate: 'ok' };
      }
      const idle = now.getTime() - row.updatedAt.getTime() > CONVERSATION_IDLE_MS;
      const fresh = now.getTime() - row.windowStart.getTime() >= RATE_WINDOW_MS;
      const count = fresh ? 1 : row.windowCount + 1;
      await em.update(TelegramConversation, { chatKey }, { windowStart: fresh ? now : row.windowStart, windowCount: count, ...(idle ? { stateEnc: null } : {}) });
      const draft = !idle && row.stateEnc ? (JSON.parse(this.cipher.decrypt(row.stateEnc, conversationAad(chatKey))) as Draft) : null;
      return {
        language: (row.language as BotLanguage | null) ?? null,
        draft,
        expired: idle && row.stateEnc !== null,
        rate: count <= limit ? 'ok' : count === limit + 1 ? 'over' : 'silent',
      };
    });
  }

  /** The state after an update: the language and the draft (null: nothing in progress). */
  async save(chatKey: string, language: BotLanguage | null, draft: Draft | null): Promise<void> {
    const stateEnc = draft ? this.cipher.encrypt(JSON.stringify(draft), conversationAad(chatKey)) : null;
    await this.db.transaction(({ em, now }) => em.update(TelegramConversation, { chatKey }, { language, stateEnc, updatedAt: now }));
  }

  /** /forget: the conversation and every complaint's chat to notify, at once. */
  async forget(chatKey: string): Promise<number> {
    return this.db.transaction(async ({ em }) => {
      await em.delete(TelegramConversation, { chatKey });
      const result = await em.update(Complaint, { notifyChatKey: chatKey }, { notifyChatEnc: null, notifyChatKey: null, notifyLanguage: null });
      return result.affected ?? 0;
    });
  }

  /** Conversations idle past the limit are deleted (the `telegram.purge` job). */
  async purge(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - CONVERSATION_IDLE_MS);
    const result = await this.db.transaction(({ em }) =>
      em.createQueryBuilder().delete().from(TelegramConversation).where('updated_at < :cutoff', { cutoff: cutoff.getTime() }).execute(),
    );
    return result.affected ?? 0;
  }
}
