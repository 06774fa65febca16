import { Module, OnModuleInit } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { JobRegistry } from '../queue/job-registry';
import { QueueModule } from '../queue/queue.module';
import { TelegramBotService } from './telegram-bot.service';
import { TelegramConversationService } from './telegram-conversation.service';
import { TelegramConversations } from './telegram-conversations.repository';
import { TelegramStatusFlow } from './telegram-status.flow';
import { TelegramWebhookController } from './telegram-webhook.controller';

/**
 * The Telegram bot (grammY, wired by hand): the bot as a provider, its conversation over the
 * complaint intake, tracking and feedback services, and the webhook route. Its news messages are
 * the notifications module's `telegram` channel.
 */
@Module({
  imports: [QueueModule, ComplaintsModule],
  controllers: [TelegramWebhookController],
  providers: [TelegramBotService, TelegramConversationService, TelegramConversations, TelegramStatusFlow],
  exports: [TelegramBotService],
})
export class TelegramModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly conversations: TelegramConversations,
  ) {}

  onModuleInit(): void {
    this.registry.register('telegram.purge', async () => ({ telegramConversationsPurged: await this.conversations.purge() }));
  }
}
