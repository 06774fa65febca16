import { Logger, Module, OnModuleInit } from '@nestjs/common';
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
    const logger = new Logger('Backup');
    this.registry.register('backup.run', async () => {
      try {
        const result = await this.backups.run();
        return { backupBytes: result.fileBytes, backupsPruned: result.pruned.length };
      } catch (err) {
        // The worker logs only an error's class; what failed here names paths and tools, no data.
        logger.error(`Scheduled backup failed: ${(err as Error).message}`);
        throw err;
      }
    });
  }
}
