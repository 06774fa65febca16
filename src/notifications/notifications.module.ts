import { Module, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../queue/job-registry';
import { CouncilMail } from './council-mail';
import { QueueModule } from '../queue/queue.module';
import { MailReconcile } from './mail-reconcile.service';
import { MailSender } from './mail-sender.service';
import { MailTemplates } from './mail-templates';
import { MailTransport } from './mail-transport.service';
import { NotificationsService } from './notifications.service';
import { Recipients } from './recipients';
import { TelegramNotifier } from './telegram-notifier.service';
import { TelegramTransport } from './telegram-transport.service';

/**
 * Mail: scheduling steps with the outbox, the send job's state machine, templates, recipients and
 * the SMTP transport. Features register what their mails say (MailSender.register) and own the
 * rules of when they are sent.
 */
@Module({
  imports: [QueueModule],
  providers: [MailTransport, MailTemplates, NotificationsService, MailSender, Recipients, CouncilMail, MailReconcile, TelegramTransport, TelegramNotifier],
  exports: [MailTransport, MailTemplates, NotificationsService, MailSender, Recipients, CouncilMail, TelegramTransport, TelegramNotifier],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly sender: MailSender,
    private readonly reconcile: MailReconcile,
    private readonly telegram: TelegramNotifier,
  ) {}

  onModuleInit(): void {
    this.registry.register('mail.send', (payload) => this.sender.handle(payload.mailSendId));
    this.registry.register('mail.reconcile', () => this.reconcile.run());
    this.registry.register('telegram.send', (payload) => this.telegram.handle(payload.telegramSendId));
  }
}
