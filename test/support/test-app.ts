import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { FakeClock } from '../../src/common/clock';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Database } from '../../src/database/database.service';
import { JobRegistry } from '../../src/queue/job-registry';
import { STATE_DIR } from './global-setup';
import { Enrolled, enrolledGet, enrolledSet, nextTotp, totpAt } from './two-factor';

export const ADMIN_EMAIL = 'admin@test.kpac';
export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const usePostgres = process.env.TEST_DATABASE === 'postgres';
const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of the test's own: a new SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `kpac_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  if (!usePostgres) {
    mkdirSync(STATE_DIR, { recursive: true });
    const file = join(STATE_DIR, `${name}.sqlite`);
    return {
      url: `sqlite:${file}`,
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      },
    };
  }
  const admin = new Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is unreachable at ${PG_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Collects log lines so tests can assert nothing personal was written. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    cb();
  }
  text(): string {
    return this.lines.join('');
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  clock: FakeClock;
  logs: LogCapture;
  db: Database;
  http: () => ReturnType<typeof request>;
  /** A bearer token, through the second factor where the account has or needs one (enrolling it through the API). */
  login: (email: string, password: string) => Promise<string>;
  /** The secret and recovery codes of an account this harness enrolled (on this database). */
  enrolled: (email: string) => Enrolled | undefined;
  /** A TOTP code of an enrolled account that the service accepts now. */
  otp: (email: string) => Promise<string>;
  /** Keeps the secret of an account a test enrolled itself (e.g. on the web page). */
  remember: (email: string, enrolment: Enrolled) => void;
  adminToken: string;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  now?: string;
  /** Reuse an existing database (e.g. to restart the app on the same data). */
  databaseUrl?: string;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const database = opts.databaseUrl ? { url: opts.databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const dataDir = join(STATE_DIR, `data-${randomBytes(4).toString('hex')}`);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL,
    QUEUE_PREFIX: `kpac-test-${randomBytes(4).toString('hex')}`,
    APP_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://kpac.test',
    ...opts.env,
  });
  const clock = new FakeClock(new Date(opts.now ?? '2026-03-02T09:00:00Z'));
  const logs = new LogCapture();
  const app = await createApp(config, { logStream: logs, clock });
  await app.getHttpAdapter().getInstance().ready();
  const server = app.getHttpServer();
  const http = () => request(server);
  const db = app.get(Database);
  const dbKey = config.database.type === 'sqlite' ? config.database.path : config.database.url;
  const enrolled = (email: string) => enrolledGet(dbKey, email);
  const otp = async (email: string) => {
    const known = enrolled(email);
    if (!known) throw new Error(`${email} has no second factor enrolled by the test harness`);
    return nextTotp(db, clock, email, known.secret);
  };
  const login = async (email: string, password: string) => {
    const known = enrolled(email);
    const res = await http()
      .post('/api/v1/auth/login')
      .send(known ? { email, password, otp: await otp(email) } : { email, password });
    if (res.status === 200) return res.body.accessToken as string;
    if (res.status === 403 && res.body.code === 'TWO_FACTOR_ENROLMENT_REQUIRED') {
      // As a client would: the secret from the enrolment call, then the first code from it.
      const enrolmentToken = res.body.enrolmentToken as string;
      const enrol = await http().post('/api/v1/auth/2fa/enrol').send({ enrolmentToken });
      if (enrol.status !== 200) throw new Error(`enrol ${email} failed: ${enrol.status} ${JSON.stringify(enrol.body)}`);
      const secret = enrol.body.secret as string;
      const confirm = await http().post('/api/v1/auth/2fa/confirm').send({ enrolmentToken, otp: totpAt(secret, clock.now()) });
      if (confirm.status !== 200) throw new Error(`confirm ${email} failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
      enrolledSet(dbKey, email, { secret, recoveryCodes: confirm.body.recoveryCodes });
      return confirm.body.accessToken as string;
    }
    throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const adminToken = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  return {
    app,
    config,
    clock,
    logs,
    db,
    http,
    login,
    enrolled,
    otp,
    remember: (email, enrolment) => enrolledSet(dbKey, email, enrolment),
    adminToken,
    close: async () => {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every periodic job (SLA, council reminders, retention, mail reconcile, outbox pruning) once, as the scheduler would run them. */
export const sweepsOf = (t: TestApp) => ({ run: () => t.app.get(JobRegistry).runPeriodic() });
