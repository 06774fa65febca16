import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Escalation } from '../../src/escalations/escalation.entity';
import { EscalationsService } from '../../src/escalations/escalations.service';
import { Complaint } from '../../src/complaints/complaint.entity';
import { Facility } from '../../src/facilities/facility.entity';
import { MailSend } from '../../src/notifications/mail-send.entity';
import { OutboxRelay } from '../../src/queue/outbox-relay.service';
import { givenComplaint } from '../support/escalation-fixtures';
import { seedFacility, seedMember } from '../support/fixtures';
import { sleep, TestSmtp } from '../support/smtp';
import { createTestApp, TestApp, sweepsOf } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const N = 200;
/** What the workers wrote, shown only if the test fails. */
const workerOutput: string[] = [];

/** `npm run worker` as a child process (TypeScript sources through ts-node, no build needed). */
function startWorker(t: TestApp, smtpUrl: string): ChildProcess {
  const db = t.config.database;
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'worker.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      TZ: 'UTC',
      NODE_ENV: 'test',
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      DATA_DIR: t.config.dataDir,
      DATABASE_URL: db.type === 'sqlite' ? `sqlite:${db.path}` : db.url,
      REDIS_URL: t.config.redisUrl,
      QUEUE_PREFIX: t.config.queuePrefix,
      SMTP_URL: smtpUrl,
      MAIL_FROM: t.config.mailFrom,
      PUBLIC_URL: t.config.publicUrl,
      APP_SECRET: t.config.appSecret,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (c: Buffer) => workerOutput.push(c.toString('utf8')));
  return child;
}

async function waitForWorker(child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let seen = '';
  const onData = (c: Buffer) => (seen += c.toString('utf8'));
  child.stdout?.on('data', onData);
  try {
    while (!seen.includes('KPAC worker running')) {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${workerOutput.join('').slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`worker did not start in time:\n${workerOutput.join('').slice(-3000)}`);
      await sleep(100);
    }
  } finally {
    child.stdout?.off('data', onData);
  }
}

describe('a worker process killed mid-batch', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    smtp = new TestSmtp();
    smtp.dataDelayMs = 15;
    await smtp.start();
    // The API only produces jobs; the child processes do the sending.
    t = await createTestApp({ env: { SMTP_URL: smtp.url, WORKER: 'off', MAIL_FROM: 'KPAC <no-reply@kpac.test>' } });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await t.close();
    await smtp.stop();
  });

  it('after SIGKILL and restart every escalation is sent; a duplicate carries the same Message-ID', async () => {
    await seedMember(t, 'BKH', { login: false });
    const facility: Facility = await seedFacility(t, 'BKH', { contactEmails: ['bulk@site.test'] });
    const service = t.app.get(EscalationsService);
    const ids: number[] = [];
    const admin = { kind: 'admin' as const, userId: null };
    for (let i = 0; i < N; i++) {
      const complaint: Complaint = await givenComplaint(t, 'BKH');
      ids.push((await service.escalate(admin, complaint.id, { facilityId: facility.id, summary: `Bulk case ${i}: the window closed early.` })).id);
    }
    const relay = t.app.get(OutboxRelay);
    await relay.relayAll();
    expect(await relay.unrelayedCount()).toBe(0);

    const initial = () => smtp.mails.filter((m) => /^<esc-\d+-initial@/.test(m.messageId));
    const first = startWorker(t, smtp.url);
    children.push(first);
    await waitForWorker(first, 60_000);
    await smtp.waitFor(() => initial().length >= 30, 45_000, 'the first worker to send 30 mails');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = initial().length;
    expect(atKill).toBeLessThan(N);

    const second = startWorker(t, smtp.url);
    children.push(second);
    await waitForWorker(second, 60_000);
    const sweep = sweepsOf(t);
    const expected = new Set(ids.map((id) => `<esc-${id}-initial@kpac.test>`));
    const deadline = Date.now() + 45_000;
    while (new Set(initial().map((m) => m.messageId)).size < N) {
      if (Date.now() > deadline) throw new Error(`only ${new Set(initial().map((m) => m.messageId)).size} of ${N} sent; worker output:\n${workerOutput.join('').slice(-3000)}`);
      await sleep(2000);
      // Claims of the killed worker go stale; the sweep hands them back to the queue.
      await sweep.run().catch(() => undefined);
    }
    // The last acceptances are recorded a moment after the SMTP server saw them.
    const allSent = async () =>
      (await t.db.manager.find(MailSend, { where: { step: 'initial' } })).filter((s) => ids.includes(s.escalationId!)).every((s) => s.state === 'sent');
    const recordDeadline = Date.now() + 10_000;
    while (!(await allSent()) && Date.now() < recordDeadline) await sleep(200);
    // Graceful stop: active jobs finish, then the process exits on its own.
    second.kill('SIGTERM');
    const exited = await Promise.race([new Promise((r) => (second.exitCode !== null ? r(true) : second.once('exit', () => r(true)))), sleep(12_000).then(() => false)]);
    expect(exited).toBe(true);

    const received = initial();
    const distinct = new Set(received.map((m) => m.messageId));
    expect(distinct).toEqual(expected);
    // Only mails accepted by SMTP but not yet recorded when the worker died can repeat, with the same id.
    const duplicates = received.length - distinct.size;
    expect(duplicates).toBeLessThanOrEqual(10);
    expect(await allSent()).toBe(true);
    const escalations = await t.db.manager.find(Escalation);
    expect(escalations.every((e) => e.deliveryState === 'sent')).toBe(true);
  }, 180_000);
});
