import 'reflect-metadata';
import { BackupFileError } from './backup/backup-file';
import { RestoreService } from './backup/restore.service';
import { restrictFileCreation } from './common/private-files';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { orExit } from './config/config-values';

/**
 * `npm run restore -- <file> [--force] [--verify]`: verifies a backup and restores it into the
 * database DATABASE_URL / DATA_DIR name, which must be empty unless --force. APP_SECRET (or
 * APP_SECRET_PREVIOUS) must hold the secret of the service that wrote the backup. --verify only
 * checks the file and prints its manifest. Start the service afterwards. Exit code 0: done;
 * 1: refused or failed (one line says why), nothing replaced.
 */
const USAGE = 'npm run restore -- <backup file> [--force] [--verify]';

function parseArgs(argv: string[]): { file: string; force: boolean; verifyOnly: boolean } {
  let file: string | null = null;
  const opts = { force: false, verifyOnly: false };
  for (const a of argv) {
    if (a === '--force') opts.force = true;
    else if (a === '--verify') opts.verifyOnly = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else if (a.startsWith('--') || file !== null) throw new ConfigError('restore', `does not know the argument "${a}" (${USAGE})`);
    else file = a;
  }
  if (file === null) throw new ConfigError('restore', `needs the backup file (${USAGE})`);
  return { file, ...opts };
}

async function main(): Promise<void> {
  restrictFileCreation();
  const { args, config } = orExit(() => ({ args: parseArgs(process.argv.slice(2)), config: loadConfig() as AppConfig }));
  const m = await new RestoreService(config).restore(args.file, args);
  const counts = Object.entries(m.rowCounts).map(([t, n]) => `${t} ${n}`).join(', ');
  process.stdout.write(`${args.verifyOnly ? 'Backup verified' : 'Restored'}: taken ${m.createdAt} (${m.dialect}), schema ${m.schemaVersion}, SHA-256 ${m.plaintextSha256}\n  rows: ${counts}\n`);
  if (!args.verifyOnly) process.stdout.write('Start the service on it now (newer migrations, if any, run at start-up).\n');
}

main().catch((err: Error) => {
  process.stderr.write(`${err instanceof BackupFileError ? 'Restore refused' : 'Restore failed'}: ${err.message}\n`);
  process.exit(1);
});
