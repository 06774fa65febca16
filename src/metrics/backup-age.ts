import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';

/**
 * Where backups are written. BACKUP_DIR belongs to the backup feature's settings; until the
 * configuration carries it, its default (`<DATA_DIR>/backups`) is computed here, in one place.
 */
export function backupDirectory(config: AppConfig): string {
  const configured = (config as AppConfig & { backupDir?: string | null }).backupDir;
  return configured || join(config.dataDir, 'backups');
}

/**
 * Seconds since the newest file in the backup directory was written; +Inf when there is none (or
 * no directory), so an alert on "older than a day" also fires for a server that never backed up.
 */
export function backupAgeSeconds(dir: string, nowMs: number): number {
  let newest = -Infinity;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return Infinity;
  }
  for (const name of names) {
    // Dot files and unfinished writes are not backups.
    if (name.startsWith('.') || /\.(tmp|part|partial)$/.test(name)) continue;
    try {
      const s = statSync(join(dir, name));
      if (s.isFile()) newest = Math.max(newest, s.mtimeMs);
    } catch {
      // removed while we looked (pruning): not a backup any more
    }
  }
  return newest === -Infinity ? Infinity : Math.max(0, (nowMs - newest) / 1000);
}
