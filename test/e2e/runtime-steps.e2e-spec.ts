import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../support/queue-redis';
import { usePostgres } from '../support/test-app';
import { sleep } from '../support/smtp';

const ROOT = join(__dirname, '..', '..');

/**
 * Docker cannot run on our machines, so this walks the image's steps outside it: a clean copy of
 * the checkout (the files git knows, no node_modules, no dist), compiled the way the build stage
 * compiles it, then the runtime's dependencies installed by the very command the Dockerfile's deps
 * stage runs (`scripts/runtime-install.sh`: `npm ci --omit=dev`), and the service started with the
 * Dockerfile's CMD as an account that is not root. A module the compiled code needs but
 * package.json lists only under devDependencies makes the service fail to start here, as it would
 * in the image. Slow (a real `npm ci` from the registry or the npm cache): minutes, not seconds.
 */

/** The Dockerfile's instructions this test runs itself. */
function dockerfileSteps(): { install: string[]; cmd: string[]; healthcheck: string[]; workerFlags: string[] } {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const install = text.match(/^RUN (sh scripts\/runtime-install\.sh .+)$/m);
  const cmd = text.match(/^CMD (\[.+\])$/m);
  const health = text.match(/^HEALTHCHECK .*?CMD (\[.+\])$/m);
  if (!install || !cmd || !health) throw new Error('Dockerfile: no runtime-install RUN, CMD or HEALTHCHECK line');
  const argv = JSON.parse(cmd[1]) as string[];
  return { install: install[1].split(/\s+/), cmd: argv, healthcheck: JSON.parse(health[1]), workerFlags: argv.slice(1, -1) };
}

/** Runs as `nobody` when the test runs as root (as the image runs as `node`), else as the caller. */
function asServiceUser(argv: string[]): string[] {
  if (process.getuid?.() !== 0) return argv;
  return ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', ...argv];
}

function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m);
  return Number(line![1]);
}

function run(argv: string[], cwd: string): void {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}):\n${(r.stderr ?? '').slice(-3000)}\n${(r.stdout ?? '').slice(-2000)}`);
}

// The image's steps do not depend on the database: run once, in the SQLite pass (npm test).
(usePostgres ? describe.skip : describe)('the production image steps, run outside Docker', () => {
  let work: string;
  let app: string;
  let data: string;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const steps = dockerfileSteps();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kpac-runtime-'));
    chmodSync(work, 0o755);
    app = join(work, 'app');
    data = join(work, 'data');
    // A clean checkout: what git tracks (and new files not ignored), never node_modules, dist or data.
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of files) {
      if (!existsSync(join(ROOT, f))) continue;
      mkdirSync(dirname(join(app, f)), { recursive: true });
      cpSync(join(ROOT, f), join(app, f));
    }
    // The build stage: the dev toolchain compiles dist/ (borrowed here, as the stage has its own).
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
    run(['npm', 'run', 'build'], app);
    unlinkSync(join(app, 'node_modules'));
    // The deps stage, with the Dockerfile's own command line (its target directory is ours).
    run([...steps.install.slice(0, -1), app], app);
    mkdirSync(data, { mode: 0o700 });
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
      chownSync(data, uid, gid);
    }
  }, 900_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function start(argv: string[], env: Record<string, string>): ChildProcess {
    const full = asServiceUser(argv);
    const child = spawn(full[0], full.slice(1), {
      cwd: app,
      // The image's environment (NODE_ENV=production, DATA_DIR) and what an operator passes; nothing of the runner's.
      env: { PATH: process.env.PATH, HOME: data, TZ: 'UTC', NODE_ENV: 'production', DATA_DIR: data, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [child.stdout, child.stderr]) s?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
    children.push(child);
    return child;
  }

  async function waitForHealth(url: string, child: ChildProcess): Promise<Response> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${output.join('').slice(-4000)}`);
      const res = await fetch(url).catch(() => null);
      if (res?.ok) return res;
      if (Date.now() > deadline) throw new Error(`${url} did not answer in time:\n${output.join('').slice(-4000)}`);
      await sleep(250);
    }
  }

  it('has no devDependency in the runtime node_modules, and every production one', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    const present = (name: string) => existsSync(join(app, 'node_modules', name, 'package.json'));
    expect(Object.keys(pkg.dependencies).filter((d) => !present(d))).toEqual([]);
    // Only top-level dev-only packages are checked: a production dependency may pull one in itself.
    expect(present('jest')).toBe(false);
    expect(present('@nestjs/cli')).toBe(false);
  });

  it('starts the compiled API from the runtime tree as a non-root user; /health is ok and a public page renders', async () => {
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_SECRET: randomBytes(32).toString('hex'),
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `kpac-runtime-${randomBytes(4).toString('hex')}`,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'info',
    };
    const api = start(steps.cmd, env);
    const health = await waitForHealth(`http://127.0.0.1:${port}/health`, api);
    expect((await health.json()).status).toBe('ok');
    expect(uidOf(api.pid!)).not.toBe(0);
    // The pages need the assets nest build copies (views, i18n, css): the copy must have them.
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const css = await fetch(`http://127.0.0.1:${port}/assets/app.css`);
    expect(css.status).toBe(200);

    // The image's HEALTHCHECK, as the service's user, against the running service.
    const probe = asServiceUser(steps.healthcheck);
    const check = spawnSync(probe[0], probe.slice(1), { env: { PATH: process.env.PATH, PORT: String(port) }, encoding: 'utf8' });
    expect(check.status).toBe(0);

    // The compose worker service: the same flags, dist/worker.js.
    const worker = start(['node', ...steps.workerFlags, 'dist/worker.js'], env);
    const deadline = Date.now() + 60_000;
    while (!output.join('').includes('KPAC worker running')) {
      if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode}):\n${output.join('').slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`the worker did not start:\n${output.join('').slice(-4000)}`);
      await sleep(250);
    }
    expect(uidOf(worker.pid!)).not.toBe(0);
    for (const c of [worker, api]) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
  }, 180_000);
});
