import { Module, OnModuleInit } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { MailModule } from '../mail/mail.module';
import { JobRegistry } from '../queue/job-registry';
import { QueueModule } from '../queue/queue.module';
import { ContactReader } from './contact-reader';
import { EscalationLinkController } from './escalation-link.controller';
import { EscalationLinkService } from './escalation-link.service';
import { EscalationMailer } from './escalation-mailer.service';
import { EscalationSweep } from './escalation-sweep.service';
import { EscalationsController } from './escalations.controller';
import { EscalationsRepository } from './escalations.repository';
import { EscalationsService } from './escalations.service';

@Module({
  imports: [ComplaintsModule, MailModule, QueueModule],
  controllers: [EscalationsController, EscalationLinkController],
  providers: [EscalationsService, EscalationsRepository, EscalationMailer, EscalationSweep, EscalationLinkService, ContactReader],
  // The web pages (response link form) and the benchmark use these.
  exports: [EscalationsService, EscalationsRepository, EscalationLinkService, EscalationSweep, EscalationMailer],
})
export class EscalationsModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly mailer: EscalationMailer,
    private readonly sweep: EscalationSweep,
  ) {}

  onModuleInit(): void {
    this.registry.register('mail.send', async (payload) => {
      await this.mailer.handle(payload.mailSendId);
    });
    this.registry.register('sweep.run', async () => {
      await this.sweep.run();
    });
  }
}
