import { Module, OnModuleInit } from '@nestjs/common';
import { MailSender } from '../notifications/mail-sender.service';
import { NotificationsModule } from '../notifications/notifications.module';
import { JobRegistry } from '../queue/job-registry';
import { QueueModule } from '../queue/queue.module';
import { CouncilReminders, SeatNoticeMail } from './council-reminders.service';
import { CitiesController } from './cities.controller';
import { CouncilsController } from './councils.controller';
import { CouncilsRepository } from './councils.repository';
import { CouncilsService } from './councils.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { ReferenceDataService } from './reference-data.service';

@Module({
  imports: [NotificationsModule, QueueModule],
  controllers: [CitiesController, CouncilsController, MembersController],
  providers: [ReferenceDataService, CouncilsRepository, CouncilsService, MembersService, CouncilReminders, SeatNoticeMail],
  exports: [CouncilsService, MembersService],
})
export class CouncilsModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly reminders: CouncilReminders,
    private readonly sender: MailSender,
    private readonly seatNotices: SeatNoticeMail,
  ) {}

  onModuleInit(): void {
    this.registry.register('councils.reminders', () => this.reminders.run());
    this.sender.register('term', this.seatNotices);
    this.sender.register('vacancy', this.seatNotices);
  }
}
