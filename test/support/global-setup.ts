import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForRedis } from './queue-redis';

/**
 * Tests need Redis. Start a private, throw-away redis-server on a free port when the binary is
 * installed (so no test ever touches a Redis it did not start); otherwise use REDIS_URL; otherwise stop.
 */
export const STATE_DIR = join(__dirname, '..', '.tmp');

export default async function globalSetup(): Promise<void> {
  mkdirSync(STATE_DIR, { recursive: true });
  process.stdout.write(
    process.env.TEST_DATABASE === 'postgres'
      ? `\nTests run on PostgreSQL (${(process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres').replace(/\/\/[^@/]*@/, '//')}), one database per test app\n`
      : '\nTests run on SQLite, one database file per test app\n',
  );
  const hasBinary = spawnSync('redis-server', ['--version']).status === 0;
  if (hasBinary) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
      detached: true,
    });
    child.unref();
    await waitForRedis(port);
    // Teardown runs in this same process; an env var (not a shared file) keeps parallel runs apart.
    process.env.TEST_REDIS_PID = String(child.pid);
    process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
    process.env.TEST_REDIS_PORT = String(port);
    process.env.TEST_REDIS_PRIVATE = '1';
    return;
  }
  if (process.env.REDIS_URL) {
    process.env.TEST_REDIS_URL = process.env.REDIS_URL;
    return;
  }
  throw new Error(
    'Tests need Redis: install it (apt-get install redis-server, or docker compose up -d redis) or set REDIS_URL to a server they may use.',
  );
}
