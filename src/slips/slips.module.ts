import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { SlipsController } from './slips.controller';
import { SlipsRepository } from './slips.repository';
import { SlipsService } from './slips.service';

/** Complaint-box slips: printing batches. Binding a slip to a complaint is part of staff intake. */
@Module({
  imports: [ComplaintsModule],
  controllers: [SlipsController],
  providers: [SlipsService, SlipsRepository],
  // The staff page prints through the same service.
  exports: [SlipsService],
})
export class SlipsModule {}
