import { Body, Controller, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import type { Update } from 'grammy/types';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TelegramBotService } from './telegram-bot.service';

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Telegram's webhook: POST /telegram/<TELEGRAM_WEBHOOK_PATH>, with the secret token Telegram was
 * given in X-Telegram-Bot-Api-Secret-Token. A wrong path (or no bot in webhook mode) is 404, a
 * wrong token 401. Left out of the API documentation: only Telegram calls it.
 */
@ApiExcludeController()
@Public()
@Controller('telegram')
export class TelegramWebhookController {
  constructor(
    private readonly bot: TelegramBotService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':path')
  @HttpCode(200)
  async update(@Param('path') path: string, @Headers('x-telegram-bot-api-secret-token') token: string | undefined, @Body() body: unknown): Promise<Record<string, never>> {
    const tg = this.config.telegram;
    if (!tg || tg.mode !== 'webhook' || !tg.webhookSecret || !same(path, tg.webhookPath)) throw new DomainError('NOT_FOUND', 'Not found');
    if (typeof token !== 'string' || !same(token, tg.webhookSecret)) throw new DomainError('UNAUTHORIZED', 'The secret token is missing or wrong');
    if (!body || typeof body !== 'object' || typeof (body as { update_id?: unknown }).update_id !== 'number') throw new DomainError('VALIDATION', 'The body must be a Telegram update');
    await this.bot.handleUpdate(body as Update);
    return {};
  }
}
