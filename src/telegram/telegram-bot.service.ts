import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Bot, Context } from 'grammy';
import type { Update } from 'grammy/types';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BotInput, TelegramConversationService } from './telegram-conversation.service';
import { botText, Reply } from './telegram-texts';

/**
 * The grammY bot (null without TELEGRAM_BOT_TOKEN). Its handlers only pass the chat id and what was
 * typed or pressed to the conversation and send back the replies; nothing Telegram sends is logged.
 * Long polling starts here in polling mode; in webhook mode the controller hands updates over.
 */
@Injectable()
export class TelegramBotService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TelegramBot');
  readonly bot: Bot | null;
  private polling = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly conversation: TelegramConversationService,
  ) {
    const tg = config.telegram;
    this.bot = tg ? new Bot(tg.token, tg.apiRoot ? { client: { apiRoot: tg.apiRoot } } : undefined) : null;
    if (!this.bot) return;
    this.bot.on('callback_query:data', async (ctx) => {
      // The spinner on the button stops whatever the answer; a failure here changes nothing.
      await ctx.answerCallbackQuery().catch(() => undefined);
      await this.answer(ctx, { data: ctx.callbackQuery.data });
    });
    this.bot.on('message', (ctx) => this.answer(ctx, { text: ctx.message.text ?? '' }));
    // The error's class only: its message may quote the update.
    this.bot.catch((err) => this.logger.warn(`Telegram update failed: ${(err.error as Error)?.name ?? 'Error'}`));
  }

  get mode() {
    return this.config.telegram?.mode ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const tg = this.config.telegram;
    if (!tg || !this.bot) {
      this.logger.log('Telegram bot off: TELEGRAM_BOT_TOKEN is not set');
      return;
    }
    if (!tg.receive) return;
    if (tg.mode === 'polling') {
      this.polling = true;
      // Resolves only when stopped; a failure to reach Telegram is logged and polling ends.
      void this.bot.start({ onStart: () => this.logger.log('Telegram bot on (long polling)') }).catch((err: Error) => {
        this.polling = false;
        this.logger.error(`Telegram polling stopped: ${err.name}`);
      });
      return;
    }
    try {
      await this.bot.init();
      if (tg.webhookUrl) await this.bot.api.setWebhook(tg.webhookUrl, { secret_token: tg.webhookSecret ?? undefined, allowed_updates: ['message', 'callback_query'] });
      this.logger.log(`Telegram bot on (webhook${tg.webhookUrl ? ', registered' : ', set it with setWebhook'})`);
    } catch (err) {
      // The webhook route still answers; init is retried on the first update.
      this.logger.error(`Telegram bot could not reach the Bot API at start-up: ${(err as Error).name}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.bot && this.polling) {
      this.polling = false;
      await this.bot.stop().catch(() => undefined);
    }
  }

  /** One update from the webhook. */
  async handleUpdate(update: Update): Promise<void> {
    if (!this.bot) return;
    if (!this.bot.isInited()) await this.bot.init();
    await this.bot.handleUpdate(update);
  }

  private async answer(ctx: Context, input: BotInput): Promise<void> {
    // Only one-to-one chats: a group would show a complaint to everyone in it.
    if (!ctx.chat || ctx.chat.type !== 'private') return;
    let replies: Reply[];
    try {
      replies = await this.conversation.handle(ctx.chat.id, input);
    } catch (err) {
      this.logger.error(`Telegram conversation failed: ${(err as Error).name}`);
      replies = [{ text: botText('ru', 'error') }];
    }
    for (const r of replies) {
      await ctx.reply(r.text, r.buttons ? { reply_markup: { inline_keyboard: r.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) } } : undefined);
    }
  }
}
