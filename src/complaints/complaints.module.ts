import { Module } from '@nestjs/common';
import { ComplaintWorkflowService } from './complaint-workflow.service';

@Module({ providers: [ComplaintWorkflowService], exports: [ComplaintWorkflowService] })
export class ComplaintsModule {}
