import { Escalation } from '../../src/escalations/escalation.entity';
import { MailSend } from '../../src/notifications/mail-send.entity';
import { OutboxRelay } from '../../src/queue/outbox-relay.service';
import { givenComplaint } from '../support/escalation-fixtures';
import { bearer, seedFacility, seedMember } from '../support/fixtures';
import { PrivateRedis } from '../support/queue-redis';
import { sleep, TestSmtp } from '../support/smtp';
import { createTestApp, TestApp, sweepsOf } from '../support/test-app';

async function waitUntil(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

describe('escalations when Redis is down, restarted or flushed', () => {
  let smtp: TestSmtp;
  let redis: PrivateRedis;
  let t: TestApp;

  beforeEach(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    redis = await PrivateRedis.create();
  });
  afterEach(async () => {
    await t?.close();
    await redis.stop();
    await smtp.stop();
  });

  it('answers 202 promptly while Redis is down; exactly one e-mail once it is up', async () => {
    // Nothing listens on this port yet.
    t = await createTestApp({ env: { SMTP_URL: smtp.url, REDIS_URL: redis.url, MAIL_FROM: 'KPAC <no-reply@kpac.test>' } });
    const member = await seedMember(t, 'KHJ');
    const facility = await seedFacility(t, 'KHJ', { contactEmails: ['site@khujand.test'] });
    const complaint = await givenComplaint(t, 'KHJ');

    const started = Date.now();
    const res = await t.http().post(`/api/v1/complaints/${complaint.id}/escalations`).set(bearer(member.token)).send({ facilityId: facility.id, summary: 'Long waiting times at the dispensing window.' });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(202);
    expect(res.body.deliveryState).toBe('queued');
    // queue.add would hang for as long as Redis is down; the route never calls it.
    expect(elapsed).toBeLessThan(3000);
    const escId = res.body.id;

    const health = await t.http().get('/health').expect(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.queues.outbox.unrelayed).toBeGreaterThanOrEqual(3);

    await sleep(1500);
    expect(smtp.mails).toHaveLength(0);
    expect(await t.app.get(OutboxRelay).unrelayedCount()).toBeGreaterThan(0);

    await redis.start();
    await smtp.waitFor(() => smtp.byMessageId(`esc-${escId}-initial`).length === 1, 30_000);
    await waitUntil(async () => (await t.app.get(OutboxRelay).unrelayedCount()) === 0);
    await waitUntil(async () => (await t.db.manager.findOneByOrFail(Escalation, { id: escId })).deliveryState === 'sent');
    // The relay may have tried several times while Redis came back: still one message.
    await sleep(1500);
    expect(smtp.byMessageId(`esc-${escId}-initial`)).toHaveLength(1);
    // (the sweep may also have told the council about its empty seats; the facility got one mail)
    expect(smtp.mails.filter((m) => m.to.includes('site@khujand.test'))).toHaveLength(1);
  });

  it('loses no step when Redis restarts empty with queued and delayed jobs: the sweep re-enqueues each once', async () => {
    await redis.start();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, REDIS_URL: redis.url, MAIL_FROM: 'KPAC <no-reply@kpac.test>' } });
    const member = await seedMember(t, 'KLB');
    const facility = await seedFacility(t, 'KLB', { contactEmails: ['site@kulob.test'], slaDays: 10 });
    const sweep = sweepsOf(t);

    // SMTP refuses for now: initial jobs sit in BullMQ (waiting / delayed for backoff), reminders are delayed jobs.
    smtp.mode = 'tempfail';
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const complaint = await givenComplaint(t, 'KLB');
      const res = await t.http().post(`/api/v1/complaints/${complaint.id}/escalations`).set(bearer(member.token)).send({ facilityId: facility.id, summary: `Case ${i}: the pharmacy window was closed.` }).expect(202);
      ids.push(res.body.id);
    }
    await waitUntil(async () => (await t.app.get(OutboxRelay).unrelayedCount()) === 0);
    await waitUntil(async () => smtp.attempts >= 3);
    const c = redis.client();
    const delayed = await c.zcard(`${t.config.queuePrefix}:mail:delayed`);
    c.disconnect();
    expect(delayed).toBeGreaterThanOrEqual(6); // 2 reminders per escalation, plus backoff retries

    // Redis restarts without persistence: every job, delayed job and the scheduler is gone.
    await redis.stop();
    smtp.mode = 'accept';
    await redis.start();
    await sleep(2500); // workers reconnect
    expect(smtp.mails).toHaveLength(0);

    // The sweep finds the unsent initial steps in the database.
    const first = await sweep.run();
    expect(first.enqueued).toBe(3);
    await smtp.waitFor(() => ids.every((id) => smtp.byMessageId(`esc-${id}-initial`).length === 1), 30_000);

    // Half the SLA, then one day before the deadline: each reminder once, even with repeated sweeps.
    t.clock.advanceDays(5.1);
    await sweep.run();
    await sweep.run();
    await smtp.waitFor(() => ids.every((id) => smtp.byMessageId(`esc-${id}-reminder1`).length === 1), 30_000);
    t.clock.advanceDays(4);
    await sweep.run();
    await smtp.waitFor(() => ids.every((id) => smtp.byMessageId(`esc-${id}-reminder2`).length === 1), 30_000);
    await sweep.run();
    await sleep(1000);
    for (const id of ids) {
      for (const step of ['initial', 'reminder1', 'reminder2']) expect(smtp.byMessageId(`esc-${id}-${step}`)).toHaveLength(1);
    }
    const sends = await t.db.manager.find(MailSend, { where: ids.map((id) => ({ escalationId: id })) });
    expect(sends.every((s) => s.state === 'sent')).toBe(true);
  });
});
