import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { BackupService } from './backup/backup.service';
import { Clock } from './common/clock';
import { restrictFileCreation } from './common/private-files';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { orExit } from './config/config-values';

/**
 * `npm run backup`: an encrypted, consistent snapshot of the database into BACKUP_DIR while the
 * service keeps serving; the oldest beyond BACKUP_KEEP are then deleted. Prints the file and its
 * manifest. Run it on the machine that holds the SQLite file (or, on PostgreSQL, wherever
 * pg_dump can reach the database). Exit code 0: written; 1: nothing written (it says why).
 */
async function main(): Promise<void> {
  restrictFileCreation();
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write('npm run backup   (settings: BACKUP_DIR, BACKUP_KEEP; APP_SECRET encrypts it)\n');
    return;
  }
  const config: AppConfig = orExit(() => {
    if (process.argv.length > 2) throw new ConfigError('backup', `takes no arguments, got "${process.argv[2]}"`);
    return loadConfig();
  });
  // This command prints its own lines; the service's log line is for the scheduled job.
  Logger.overrideLogger(['error', 'warn']);
  const result = await new BackupService(config, new Clock()).run();
  const m = result.manifest;
  process.stdout.write(`Backup written: ${result.path} (${result.fileBytes} bytes, SHA-256 ${result.fileSha256})\n`);
  process.stdout.write(`  taken ${m.createdAt}, schema ${m.schemaVersion}, ${m.rowCounts.complaints ?? 0} complaints, plaintext SHA-256 ${m.plaintextSha256}\n`);
  if (result.pruned.length) process.stdout.write(`  removed ${result.pruned.length} older backup(s) (BACKUP_KEEP=${config.backup.keep})\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`Backup failed: ${err.message}\n`);
  process.exit(1);
});
