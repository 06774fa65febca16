/**
 * End-to-end time for 1,000 escalations, from the escalate call (HTTP, through the whole app) to
 * SMTP acceptance, next to raw nodemailer → smtp-server throughput measured in the same run.
 *
 *   npx ts-node --transpile-only bench/escalations.bench.ts [count] [--worker-process]
 *
 * --worker-process runs the queue workers as `node dist/worker.js` (build first) beside the API.
 *
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379; a unique queue prefix is used and removed).
 * Uses a throw-away SQLite database, or DATABASE_URL if set.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { startFlags } from './node-flags';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createApp } from '../src/app.factory';
import { sha256Hex } from '../src/common/crypto';
import { Complaint } from '../src/complaints/complaint.entity';
import { complaintRow } from '../src/complaints/complaint-row';
import { loadConfig } from '../src/config/app-config';
import { City } from '../src/councils/city.entity';
import { Database } from '../src/database/database.service';
import { Facility } from '../src/facilities/facility.entity';
import { dropRedisPrefix } from './redis-keys';
import { benchLogin } from './staff-login';
import { restrictFileCreation } from '../src/common/private-files';

export interface EscalationsBenchResult {
  count: number;
  /** Queue workers in their own process (`WORKER=off` + `npm run worker`) instead of inline. */
  workerProcess: boolean;
  endToEnd: { seconds: number; perSecond: number };
  rawSmtp: { seconds: number; perSecond: number };
  /** End-to-end throughput as a share of raw SMTP throughput. */
  ratio: number;
}

/** A loopback SMTP server that counts accepted messages and resolves when `target` arrived. */
async function countingSmtp(): Promise<{ url: string; accepted: () => number; waitFor: (n: number) => Promise<void>; close: () => Promise<void> }> {
  let accepted = 0;
  let waiter: { n: number; resolve: () => void } | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        accepted++;
        if (waiter && accepted >= waiter.n) waiter.resolve();
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted: () => accepted,
    waitFor: (n) => (accepted >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { n, resolve }))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function rawSmtp(count: number): Promise<{ seconds: number; perSecond: number }> {
  const smtp = await countingSmtp();
  // The same transport settings the service uses (pooled, 5 connections).
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 5, maxMessages: 1000 } as never);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      transport.sendMail({ from: 'bench@kpac.test', to: 'site@bench.test', subject: `Raw ${i}`, text: 'x'.repeat(900), messageId: `<raw-${i}@kpac.test>` }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  transport.close();
  await smtp.close();
  return { seconds, perSecond: count / seconds };
}

async function endToEnd(count: number, workerProcess: boolean): Promise<{ seconds: number; perSecond: number }> {
  const smtp = await countingSmtp();
  const dir = join(tmpdir(), `kpac-bench-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATA_DIR: dir,
    DATABASE_URL: process.env.DATABASE_URL || `sqlite:${join(dir, 'bench.sqlite')}`,
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `kpac-bench-${randomBytes(4).toString('hex')}`,
    SMTP_URL: smtp.url,
    APP_SECRET: process.env.APP_SECRET || randomBytes(32).toString('hex'),
    ADMIN_EMAIL: 'bench-admin@kpac.test',
    ADMIN_PASSWORD: 'bench-admin-password',
    LOG_LEVEL: 'error',
    WORKER: workerProcess ? 'off' : 'inline',
    PUBLIC_RATE_LIMIT: '0',
  });
  let worker: ChildProcess | null = null;
  const app = await createApp(config);
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  try {
    if (workerProcess) {
      // `npm run worker` on the same database and queue prefix, as a second process would run in production.
      worker = spawn(process.execPath, [...startFlags(), join(__dirname, '..', 'dist', 'worker.js')], {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          DATA_DIR: config.dataDir,
          DATABASE_URL: process.env.DATABASE_URL || `sqlite:${join(dir, 'bench.sqlite')}`,
          REDIS_URL: config.redisUrl,
          QUEUE_PREFIX: config.queuePrefix,
          SMTP_URL: smtp.url,
          APP_SECRET: config.appSecret,
          ADMIN_EMAIL: 'bench-admin@kpac.test',
          ADMIN_PASSWORD: 'bench-admin-password',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    const db = app.get(Database);
    const city = await db.manager.findOneOrFail(City, { where: { code: 'BKH' } });
    const now = new Date();
    const facility = await db.transaction(({ em }) =>
      em.save(Facility, em.create(Facility, { name: 'Bench site', cityId: city.id, type: 'ost_site', contactEmails: ['site@bench.test'], language: 'ru', slaDays: 10, parentId: null, createdAt: now, updatedAt: now })),
    );
    // Complaints in review, written directly (not part of the measurement).
    const complaintIds = await db.transaction(async (uow) => {
      const ids = await uow.reserveIds(Complaint, count);
      const rows = ids.map((id, i) => ({ id, reference: `BKH-99-${String(i).padStart(5, '0')}`, trackingHash: sha256Hex(`bench-${i}`), channel: 'web' as const, cityId: city.id, category: 'waiting_time' as const, description: 'Benchmark complaint', status: 'in_review' as const, receivedAt: now }));
      uow.append(Complaint, rows.map((r) => complaintRow(r, config.timeZone)));
      return ids;
    });
    const token = await benchLogin(
      async (url, payload) => {
        const res = await fastify.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
        return { status: res.statusCode, body: res.json() };
      },
      'bench-admin@kpac.test',
      'bench-admin-password',
    );

    const started = process.hrtime.bigint();
    let next = 0;
    const inFlight = 16;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < complaintIds.length) {
          const id = complaintIds[next++];
          const res = await fastify.inject({
            method: 'POST',
            url: `/api/v1/complaints/${id}/escalations`,
            headers: { authorization: `Bearer ${token}` },
            payload: { facilityId: facility.id, summary: 'Clients wait two hours at the dispensing window every morning.' },
          });
          if (res.statusCode !== 202) throw new Error(`escalate answered ${res.statusCode}: ${res.body}`);
        }
      }),
    );
    const accepted = Number(process.hrtime.bigint() - started) / 1e9;
    await smtp.waitFor(count);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (process.env.BENCH_VERBOSE) writeSync(2, `all ${count} escalate calls answered 202 after ${accepted.toFixed(2)} s\n`);
    return { seconds, perSecond: count / seconds };
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await app.close();
    await smtp.close();
    await dropRedisPrefix(config.redisUrl, config.queuePrefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs both measurements; `npm run bench` can call this. */
export async function runEscalationsBench(count = 1000, workerProcess = false): Promise<EscalationsBenchResult> {
  const raw = await rawSmtp(count);
  const e2e = await endToEnd(count, workerProcess);
  return { count, workerProcess, endToEnd: e2e, rawSmtp: raw, ratio: e2e.perSecond / raw.perSecond };
}

export function formatEscalationsBench(r: EscalationsBenchResult): string {
  return [
    `escalations (${r.workerProcess ? 'worker in its own process' : 'worker inline'}): ${r.count} from the escalate call (HTTP) to SMTP acceptance: ${r.endToEnd.seconds.toFixed(2)} s (${r.endToEnd.perSecond.toFixed(0)}/s)`,
    `raw nodemailer (pooled) → smtp-server, same run: ${r.rawSmtp.seconds.toFixed(2)} s (${r.rawSmtp.perSecond.toFixed(0)} mails/s)`,
    `ratio end-to-end / raw: ${(r.ratio * 100).toFixed(0)}%`,
  ].join('\n');
}

if (require.main === module) {
  restrictFileCreation();
  const count = Number(process.argv[2] ?? 1000);
  runEscalationsBench(count, process.argv.includes('--worker-process'))
    .then((r) => {
      process.stdout.write(formatEscalationsBench(r) + '\n');
      process.exit(0);
    })
    .catch((err: Error) => {
      process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    });
}
