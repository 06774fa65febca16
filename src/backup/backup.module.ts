import { Module, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../queue/job-registry';
import { QueueModule } from '../queue/queue.module';
import { BackupService } from './backup.service';

/** The scheduled backup (`backup.run`); `npm run backup` and `npm run restore` use the services directly. */
@Module({
  imports: [QueueModule],
  providers: [BackupService],
  exports: [BackupService],
})
export class BackupModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly backups: BackupService,
  ) {}

  onModuleInit(): void {
    this.registry.register('backup.run', async () => {
      const result = await this.backups.run();
      return { backupBytes: result.fileBytes, backupsPruned: result.pruned.length };
    });
  }
}
