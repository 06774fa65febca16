import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * An entry point of the service (src/main.ts, src/worker.ts, src/rotate-keys.ts) run as its own
 * process, as `npm start` would run it but from the sources (ts-node, no build step). The
 * environment is only what the test gives (plus PATH and HOME), never the test runner's.
 */
export class EntryProcess {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `entry` is a source file (run through ts-node), or with `built` a file of dist/ (run by node alone). */
  constructor(entry: string, args: string[], env: Record<string, string | undefined>, opts: { built?: boolean } = {}) {
    this.proc = spawn(process.execPath, [...(opts.built ? [] : ['-r', 'ts-node/register/transpile-only']), entry, ...args], {
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

let built = false;

/**
 * Builds dist/ as `npm start` does (`nest build`), once per test run, for tests that start the
 * built service rather than the sources.
 */
export function buildService(): void {
  if (built) return;
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (res.status !== 0) throw new Error(`nest build failed: ${res.stderr || res.stdout || res.error?.message}`);
  built = true;
}
