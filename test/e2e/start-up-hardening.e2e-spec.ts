import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { givenComplaint } from '../support/escalation-fixtures';
import { bearer, seedFacility, seedMember } from '../support/fixtures';
import { STATE_DIR } from '../support/global-setup';
import { freePort } from '../support/queue-redis';
import { EntryProcess } from '../support/service-process';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config/app-config';
import { JobHandler, JobRegistry } from '../../src/queue/job-registry';
import { JobName } from '../../src/queue/jobs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, createTestDatabase, TestApp, usePostgres } from '../support/test-app';

/**
 * Issue 11, items 5 and 6, against the service started as `npm start` starts it (its own process):
 * TRUST_PROXY=true and a secret.key others can read stop start-up with one line; files the running
 * service writes (its data directory, the secret, the database and its WAL/SHM, outbox mails) are
 * its own account's only.
 */
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

describe('start-up refusals and private files (issue 11)', () => {
  const dirs: string[] = [];
  const newDataDir = () => {
    const dir = join(STATE_DIR, `startup-${randomBytes(4).toString('hex')}`);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const baseEnv = async (dataDir: string) => ({
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    REDIS_URL: process.env.TEST_REDIS_URL!,
    QUEUE_PREFIX: `kpac-test-${randomBytes(4).toString('hex')}`,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'info',
  });

  it('TRUST_PROXY=true stops start-up with one line saying why', async () => {
    const dir = newDataDir();
    const p = new EntryProcess('src/main.ts', [], { ...(await baseEnv(dir)), TRUST_PROXY: 'true' });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: TRUST_PROXY .*"true" would let any client choose its address with X-Forwarded-For$/)]);
    expect(p.stdout).not.toMatch(/listening/);
  });

  it('a secret.key readable by others stops start-up with one line saying how to fix it', async () => {
    const dir = newDataDir();
    mkdirSync(dir, { mode: 0o700 });
    const file = join(dir, 'secret.key');
    writeFileSync(file, randomBytes(32).toString('hex') + '\n');
    chmodSync(file, 0o644);
    const p = new EntryProcess('src/main.ts', [], await baseEnv(dir));
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr.trim().split('\n')).toEqual([`Invalid configuration: APP_SECRET file ${file} is readable by other users (mode 0644); run: chmod 600 ${file}`]);
    expect(p.stdout).not.toMatch(/listening/);
  });

  (usePostgres ? it.skip : it)('the running service keeps its data directory 0700 and its files 0600 (database, WAL, SHM, secret, outbox mails)', async () => {
    const dir = newDataDir();
    const env = await baseEnv(dir);
    const service = new EntryProcess('src/main.ts', [], env);
    let api: TestApp | null = null;
    try {
      await service.waitFor(/KPAC tracker listening/);
      // The umask the process runs with: anything it creates later is private too.
      expect(readFileSync(`/proc/${service.proc.pid}/status`, 'utf8')).toMatch(/^Umask:\s+0077$/m);
      const base = `http://127.0.0.1:${env.PORT}`;
      const cities = (await (await fetch(`${base}/api/v1/public/cities`)).json()) as { id: number; code: string }[];
      const submitted = await fetch(`${base}/api/v1/public/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cityId: cities[0].id, category: 'waiting_time', description: 'Waited six hours at the window.', contact: { phone: '+992 90 555 1234' } }),
      });
      expect(submitted.status).toBe(201);

      // An escalation made beside it (same database, same queues) so its inline worker writes an outbox mail.
      api = await createTestApp({
        databaseUrl: `sqlite:${join(dir, 'kpac.sqlite')}`,
        env: { APP_SECRET: readFileSync(join(dir, 'secret.key'), 'utf8').trim(), QUEUE_PREFIX: env.QUEUE_PREFIX, WORKER: 'off' },
      });
      const member = await seedMember(api, 'BKH');
      const facility = await seedFacility(api, 'BKH', { contactEmails: ['site@facility.test'] });
      const complaint = await givenComplaint(api, 'BKH');
      await api.http().post(`/api/v1/complaints/${complaint.id}/escalations`).set(bearer(member.token)).send({ facilityId: facility.id, summary: 'Clients wait two hours at the window.' }).expect(202);
      const outbox = join(dir, 'outbox');
      const deadline = Date.now() + 30_000;
      while (!(existsSync(outbox) && readdirSync(outbox).some((f) => f.endsWith('.eml')))) {
        if (Date.now() > deadline) throw new Error(`no outbox mail: ${service.stdout.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }

      expect(mode(dir)).toBe('0700');
      expect(mode(join(dir, 'secret.key'))).toBe('0600');
      for (const suffix of ['', '-wal', '-shm']) {
        expect(existsSync(join(dir, `kpac.sqlite${suffix}`))).toBe(true);
        expect([`kpac.sqlite${suffix}`, mode(join(dir, `kpac.sqlite${suffix}`))]).toEqual([`kpac.sqlite${suffix}`, '0600']);
      }
      expect(mode(outbox)).toBe('0700');
      for (const mail of readdirSync(outbox)) expect([mail, mode(join(outbox, mail))]).toEqual([mail, '0600']);
      // Nothing in the data directory is open to group or others.
      for (const f of readdirSync(dir)) expect([f, Number.parseInt(mode(join(dir, f)), 8) & 0o077]).toEqual([f, 0]);
    } finally {
      await api?.close();
      await service.stop();
    }
  });

  (usePostgres ? it.skip : it)('narrows a database and data directory that an earlier version left open to everyone', async () => {
    const dir = newDataDir();
    const env = await baseEnv(dir);
    const first = new EntryProcess('src/main.ts', [], env);
    await first.waitFor(/KPAC tracker listening/);
    await first.stop();
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'kpac.sqlite'), 0o644);
    const again = new EntryProcess('src/main.ts', [], env);
    try {
      await again.waitFor(/KPAC tracker listening/);
      expect(mode(dir)).toBe('0700');
      expect(mode(join(dir, 'kpac.sqlite'))).toBe('0600');
    } finally {
      await again.stop();
    }
  });
});

/**
 * Issue 14 item 7: the house's JobRegistry owns the workers (no @nestjs/bullmq); every job name
 * needs exactly one handler, and start-up (the API's and the worker's alike) stops with one line
 * naming the job otherwise — not later, when such a job first runs.
 */
describe('a job name without exactly one handler stops start-up (issue 14)', () => {
  /** A registry that loses one feature's registration, or already holds one for it. */
  const registryWith = (mode: 'missing' | 'twice', name: JobName) =>
    class extends JobRegistry {
      override register<N extends JobName>(job: N, handler: JobHandler<N>): void {
        if (mode === 'missing' && job === name) return;
        if (mode === 'twice' && job === name) super.register(job, handler);
        super.register(job, handler);
      }
    };

  const startWith = async (registry: typeof JobRegistry): Promise<Error> => {
    const db = await createTestDatabase();
    const dataDir = join(STATE_DIR, `jobs-${randomBytes(4).toString('hex')}`);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL,
      QUEUE_PREFIX: `kpac-test-${randomBytes(4).toString('hex')}`,
      APP_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      WORKER: 'inline',
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
      .overrideProvider(JobRegistry)
      .useClass(registry)
      .compile();
    try {
      await moduleRef.init();
      throw new Error('start-up did not fail');
    } catch (err) {
      return err as Error;
    } finally {
      // Nest's close() awaits the failed initialisation again and rethrows it before any shutdown
      // hook runs (the database, Redis would stay open); forget it so the hooks run.
      Object.assign(moduleRef, { initializationPromise: undefined });
      await moduleRef.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  it('a job without a handler: one line naming it', async () => {
    const err = await startWith(registryWith('missing', 'councils.reminders'));
    expect(err.message).toBe('No handler for job councils.reminders: register one in its feature module');
  });

  it('a job with two handlers: one line naming it', async () => {
    const err = await startWith(registryWith('twice', 'mail.send'));
    expect(err.message).toBe('Job mail.send has two handlers; each job name takes exactly one');
  });

  it('every job of the real application has its one handler', async () => {
    const err = await startWith(JobRegistry);
    expect(err.message).toBe('start-up did not fail');
  });
});
