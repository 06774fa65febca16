import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Newest modification time of any file under `dir`. */
function newestIn(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestIn(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * `npm run build` (into dist/) unless dist/ is newer than every source file: tests that start
 * several processes at once run the built service, as `npm start` and `npm run worker` do, so
 * the processes race at the database instead of at the TypeScript compiler.
 */
export function ensureBuilt(): void {
  const main = join(ROOT, 'dist', 'main.js');
  if (existsSync(main) && statSync(main).mtimeMs > newestIn(join(ROOT, 'src'))) return;
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`npm run build failed:\n${res.stdout}${res.stderr}`);
}

/** What a service process needs besides its database: its own port, data directory and queue prefix. */
export function serviceEnv(opts: { port: number; dataDir: string; databaseUrl: string; queuePrefix: string; smtpUrl?: string }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL!,
    QUEUE_PREFIX: opts.queuePrefix,
    APP_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
    ADMIN_EMAIL: 'admin@test.kpac',
    ADMIN_PASSWORD: 'admin-password-for-tests',
    PUBLIC_URL: 'http://kpac.test',
    MAIL_FROM: 'KPAC <no-reply@kpac.test>',
    LOG_LEVEL: 'info',
    ...(opts.smtpUrl ? { SMTP_URL: opts.smtpUrl } : {}),
  };
}

/** The body of GET /health of a service process, or null while it does not answer. */
export async function healthOf(port: number): Promise<{ status: string } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) });
    return (await res.json()) as { status: string };
  } catch {
    return null;
  }
}

/**
 * An entry point of the service (src/main.ts, src/worker.ts, src/rotate-keys.ts) run as its own
 * process, as `npm start` would run it but from the sources (ts-node, no build step), or a built
 * one (dist/main.js, dist/worker.js: see ensureBuilt). The
 * environment is only what the test gives (plus PATH and HOME), never the test runner's.
 */
export class EntryProcess {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(entry: string, args: string[], env: Record<string, string | undefined>) {
    const node = entry.endsWith('.js') ? [entry, ...args] : ['-r', 'ts-node/register/transpile-only', entry, ...args];
    this.proc = spawn(process.execPath, node, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString('utf8')));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves once stdout or stderr matches, rejects if the process ends first or time runs out. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout) && !pattern.test(this.stderr)) {
      if (!this.running) throw new Error(`process ended before ${pattern}: ${this.stderr.slice(-2000)}${this.stdout.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}: ${this.stderr.slice(-2000)}${this.stdout.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.running) this.proc.kill(signal);
    await this.exited;
  }
}
