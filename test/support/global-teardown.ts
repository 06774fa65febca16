import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const pidFile = join(STATE_DIR, 'redis.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    rmSync(pidFile);
  }
}
