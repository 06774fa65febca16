import { Inject, Injectable } from '@nestjs/common';
import { Api, GrammyError, HttpError } from 'grammy';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/** The chat is gone for us: the person blocked the bot or deleted their account (Bot API 403). */
export class TelegramBlockedError extends Error {
  override name = 'TelegramBlockedError';
}

/** Worth another try later: Telegram or the network failed (the job is retried). */
export class TelegramTransientError extends Error {
  override name = 'TelegramTransientError';
  constructor(readonly summary: string) {
    super(summary);
  }
}

/** Sends plain messages through the Bot API; null when no bot is configured. */
@Injectable()
export class TelegramTransport {
  readonly api: Api | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const tg = config.telegram;
    this.api = tg ? new Api(tg.token, tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined) : null;
  }

  async send(chatId: string, text: string): Promise<void> {
    if (!this.api) throw new TelegramBlockedError('no bot configured');
    try {
      await this.api.sendMessage(chatId, text);
    } catch (err) {
      if (err instanceof GrammyError && err.error_code === 403) throw new TelegramBlockedError('403');
      // Codes and classes only: Telegram's description can quote the chat.
      if (err instanceof GrammyError) throw new TelegramTransientError(`BOT_API_${err.error_code}`);
      if (err instanceof HttpError) throw new TelegramTransientError('HTTP_ERROR');
      throw new TelegramTransientError((err as Error).name);
    }
  }
}
