import { Module } from '@nestjs/common';
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
  // The web pages and the job queue use these.
  exports: [ComplaintWorkflowService, ComplaintRetentionService, ComplaintIntakeService, ComplaintTrackingService, ComplaintsService, FeedbackService],
})
export class ComplaintsModule {}
