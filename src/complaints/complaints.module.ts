import { Module, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../queue/job-registry';
import { QueueModule } from '../queue/queue.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ComplaintIntakeService } from './complaint-intake.service';
import { ComplaintRetentionService } from './complaint-retention.service';
import { ComplaintTrackingService } from './complaint-tracking.service';
import { ComplaintWorkflowService } from './complaint-workflow.service';
import { ComplaintsController } from './complaints.controller';
import { ComplaintsRepository } from './complaints.repository';
import { ComplaintsService } from './complaints.service';
import { FeedbackService } from './feedback.service';
import { PublicComplaintsController } from './public-complaints.controller';

@Module({
  imports: [QueueModule, NotificationsModule],
  controllers: [PublicComplaintsController, ComplaintsController],
  providers: [
    ComplaintWorkflowService,
    ComplaintIntakeService,
    ComplaintTrackingService,
    ComplaintsService,
    ComplaintsRepository,
    ComplaintRetentionService,
    FeedbackService,
  ],
  // The web pages, escalations and slips (the reference counter) use these.
  exports: [ComplaintsRepository, ComplaintWorkflowService, ComplaintIntakeService, ComplaintTrackingService, ComplaintsService, FeedbackService],
})
export class ComplaintsModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly retention: ComplaintRetentionService,
  ) {}

  onModuleInit(): void {
    this.registry.register('retention.sweep', async () => ({
      contactsErased: await this.retention.eraseExpiredContacts(),
      slipsPurged: await this.retention.purgeExpiredSlips(),
    }));
  }
}
