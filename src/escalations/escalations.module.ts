import { Module, OnModuleInit } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { MailSender } from '../notifications/mail-sender.service';
import { NotificationsModule } from '../notifications/notifications.module';
import { JobRegistry } from '../queue/job-registry';
import { QueueModule } from '../queue/queue.module';
import { ContactReader } from './contact-reader';
import { EscalationLinkController } from './escalation-link.controller';
import { EscalationLinkService } from './escalation-link.service';
import { EscalationMailHandler } from './escalation-mail.handler';
import { EscalationsController } from './escalations.controller';
import { EscalationsRepository } from './escalations.repository';
import { EscalationsService } from './escalations.service';
import { ResponseLinks } from './response-links';
import { SlaSweep } from './sla-sweep.service';

@Module({
  imports: [ComplaintsModule, NotificationsModule, QueueModule],
  controllers: [EscalationsController, EscalationLinkController],
  providers: [EscalationsService, EscalationsRepository, EscalationLinkService, EscalationMailHandler, SlaSweep, ContactReader, ResponseLinks],
  // The web pages use these.
  exports: [EscalationsService, EscalationsRepository, EscalationLinkService, ResponseLinks],
})
export class EscalationsModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly sender: MailSender,
    private readonly mail: EscalationMailHandler,
    private readonly sla: SlaSweep,
  ) {}

  onModuleInit(): void {
    this.registry.register('sla.sweep', () => this.sla.run());
    this.sender.register('escalation', this.mail);
  }
}
