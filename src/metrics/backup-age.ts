import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_NAME } from '../backup/backup.service';

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
    // Only finished backups count (not their .json notes, leftovers or unfinished writes).
    if (!BACKUP_NAME.test(name)) continue;
    try {
      const s = statSync(join(dir, name));
      if (s.isFile()) newest = Math.max(newest, s.mtimeMs);
    } catch {
      // removed while we looked (pruning): not a backup any more
    }
  }
  return newest === -Infinity ? Infinity : Math.max(0, (nowMs - newest) / 1000);
}
