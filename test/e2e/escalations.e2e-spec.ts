import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Complaint } from '../../src/complaints/complaint.entity';
import { sha256Hex } from '../../src/common/crypto';
import { Escalation } from '../../src/escalations/escalation.entity';
import { ResponseLinks } from '../../src/escalations/response-links';
import { MailSend } from '../../src/notifications/mail-send.entity';
import { OutboxRecord } from '../../src/queue/outbox.entity';
import { linkToken, givenComplaint } from '../support/escalation-fixtures';
import { bearer, seedFacility, seedFacilityAdmin, seedMember, SeededMember } from '../support/fixtures';
import { TestSmtp, sleep } from '../support/smtp';
import { createTestApp, TestApp } from '../support/test-app';

const CANARY_PHONE = '+992 90 CANARY 4711';
const CANARY_EMAIL = 'canary-4711@complainant.test';

describe('escalations (HTTP, real SMTP and Redis)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let member: SeededMember;

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'KPAC tracker <no-reply@kpac.test>' } });
    member = await seedMember(t, 'BKH');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  beforeEach(() => {
    smtp.mode = 'accept';
  });

  const escalate = (complaintId: number, facilityId: number, token = member.token, summary = 'The site closes at noon; clients who work cannot collect their dose.') =>
    t.http().post(`/api/v1/complaints/${complaintId}/escalations`).set(bearer(token)).send({ facilityId, summary });

  it('happy path: escalate → mail with link → link view changes nothing → response → complaint responded, council told', async () => {
    const facility = await seedFacility(t, 'BKH', { language: 'en', contactEmails: ['director@site.test'], slaDays: 10 });
    const complaint = await givenComplaint(t, 'BKH', { contact: { phone: CANARY_PHONE, email: CANARY_EMAIL } });

    const res = await escalate(complaint.id, facility.id).expect(202);
    expect(res.body).toMatchObject({ complaintId: complaint.id, facilityId: facility.id, deliveryState: 'queued', responseState: 'awaiting', rung: 1 });
    const escId = res.body.id as number;
    expect((await t.db.manager.findOneByOrFail(Complaint, { id: complaint.id })).status).toBe('escalated');

    const [mail] = await smtp.waitFor((m) => m.some((x) => x.messageId === `<esc-${escId}-initial@kpac.test>`)).then(() => smtp.byMessageId(`esc-${escId}-initial`));
    expect(mail.to).toEqual(['director@site.test']);
    expect(mail.subject).toContain(complaint.reference);
    expect(mail.text).toContain('clients who work cannot collect their dose');
    // No consent to disclose: the canary contact must not reach the facility.
    expect(mail.raw).not.toContain('CANARY');
    expect(mail.raw).not.toContain(CANARY_EMAIL);
    expect(mail.text).toContain('http://kpac.test/respond/');
    const token = linkToken(mail.text);

    // delivery state follows the SMTP acceptance
    await waitUntil(async () => (await t.db.manager.findOneByOrFail(Escalation, { id: escId })).deliveryState === 'sent');

    // GET the link twice (a mail scanner and the person): nothing is consumed or changed.
    const before = await snapshot(t, escId);
    for (let i = 0; i < 2; i++) {
      const view = await t.http().get(`/api/v1/escalations/link/${token}`).expect(200);
      expect(view.body).toMatchObject({ escalationId: escId, complaintReference: complaint.reference, category: 'opening_hours', contact: null });
      expect(view.body.facility.name).toBe(facility.name);
      expect(JSON.stringify(view.body)).not.toContain('CANARY');
    }
    expect(await snapshot(t, escId)).toEqual(before);

    const answer = await t.http().post('/api/v1/escalations/respond').send({ token, response: 'From next Monday the site opens until 14:00.' }).expect(200);
    expect(answer.body).toMatchObject({ escalationId: escId, responseState: 'responded' });
    expect((await t.db.manager.findOneByOrFail(Complaint, { id: complaint.id })).status).toBe('responded');
    const esc = await t.db.manager.findOneByOrFail(Escalation, { id: escId });
    expect(esc).toMatchObject({ responseState: 'responded', response: 'From next Monday the site opens until 14:00.', tokenEnc: null });
    expect(esc.tokenUsedAt).not.toBeNull();

    // Single use.
    await t.http().post('/api/v1/escalations/respond').send({ token, response: 'again' }).expect(410);
    await t.http().get(`/api/v1/escalations/link/${token}`).expect(410);

    // The council hears about it, once.
    await smtp.waitFor(() => smtp.byMessageId(`esc-${escId}-council-responded`).length === 1);
    const notice = smtp.byMessageId(`esc-${escId}-council-responded`)[0];
    expect(notice.to).toContain(member.email);
    expect(notice.text).toContain(complaint.reference);

    // Staff detail shows each step's state; reminders were cancelled by the answer. The sender marks
    // a step sent just after the SMTP server accepted it, so the mark may trail the mail a little.
    const stepsNow = async (): Promise<Record<string, string>> => {
      const detail = await t.http().get(`/api/v1/escalations/${escId}`).set(bearer(member.token)).expect(200);
      return Object.fromEntries(detail.body.steps.map((s: { step: string; state: string }) => [s.step, s.state]));
    };
    await waitUntil(async () => (await stepsNow())['council-responded'] === 'sent');
    const steps = await stepsNow();
    expect(steps).toMatchObject({ initial: 'sent', reminder1: 'cancelled', reminder2: 'cancelled', 'council-responded': 'sent' });

    // Timeline and audit went with the transitions.
    const types = (await t.db.manager.query('SELECT type FROM complaint_events WHERE complaint_id = ' + complaint.id + ' ORDER BY id')).map((r: { type: string }) => r.type);
    expect(types).toEqual(expect.arrayContaining(['escalated', 'responded']));
  });

  it('includes the contact with consent, to the facility the complainant named, in its language', async () => {
    const facility = await seedFacility(t, 'BKH', { language: 'ru', contactEmails: ['glavvrach@site.test'] });
    const complaint = await givenComplaint(t, 'BKH', { contact: { phone: CANARY_PHONE }, disclose: true, facilityId: facility.id });
    const res = await escalate(complaint.id, facility.id).expect(202);
    await smtp.waitFor(() => smtp.byMessageId(`esc-${res.body.id}-initial`).length === 1);
    const mail = smtp.byMessageId(`esc-${res.body.id}-initial`)[0];
    expect(mail.text).toContain(CANARY_PHONE);
    expect(mail.subject).toContain('жалоба');
    const view = await t.http().get(`/api/v1/escalations/link/${linkToken(mail.text)}`).expect(200);
    expect(view.body.contact).toEqual({ phone: CANARY_PHONE });
  });

  it('scopes: another city is 404, a facility admin sees only their facility and may respond', async () => {
    const facility = await seedFacility(t, 'BKH', { contactEmails: ['a@site.test'] });
    const other = await seedFacility(t, 'BKH', { contactEmails: ['b@site.test'] });
    const complaint = await givenComplaint(t, 'BKH');
    const dushanbe = await seedMember(t, 'DSH');
    await escalate(complaint.id, facility.id, dushanbe.token).expect(404);
    await escalate(complaint.id, 999999).expect(404);
    await t.http().post(`/api/v1/complaints/${complaint.id}/escalations`).set(bearer(member.token)).send({ facilityId: facility.id, summary: 'x' }).expect(400);
    const res = await escalate(complaint.id, facility.id).expect(202);
    const escId = res.body.id;

    const admin = await seedFacilityAdmin(t, facility.id);
    const stranger = await seedFacilityAdmin(t, other.id);
    await escalate(complaint.id, facility.id, admin.token).expect(403);
    const mine = await t.http().get('/api/v1/escalations').set(bearer(admin.token)).expect(200);
    expect(mine.body.items.map((e: { id: number }) => e.id)).toEqual([escId]);
    expect((await t.http().get('/api/v1/escalations').set(bearer(stranger.token)).expect(200)).body.items).toEqual([]);
    await t.http().get(`/api/v1/escalations/${escId}`).set(bearer(stranger.token)).expect(404);
    await t.http().get(`/api/v1/escalations/${escId}`).set(bearer(dushanbe.token)).expect(404);
    expect((await t.http().get('/api/v1/escalations').set(bearer(dushanbe.token)).expect(200)).body.items).toEqual([]);
    await t.http().post(`/api/v1/escalations/${escId}/response`).set(bearer(stranger.token)).send({ response: 'not mine' }).expect(404);
    const answered = await t.http().post(`/api/v1/escalations/${escId}/response`).set(bearer(admin.token)).send({ response: 'We extended the hours.' }).expect(200);
    expect(answered.body).toMatchObject({ responseState: 'responded', respondedBy: admin.userId });
    await t.http().post(`/api/v1/escalations/${escId}/response`).set(bearer(admin.token)).send({ response: 'twice' }).expect(409);

    // keyset pagination for the admin
    const page1 = await t.http().get('/api/v1/escalations?limit=1').set(bearer(t.adminToken)).expect(200);
    expect(page1.body.items).toHaveLength(1);
    const page2 = await t.http().get(`/api/v1/escalations?limit=1&cursor=${page1.body.nextCursor}`).set(bearer(t.adminToken)).expect(200);
    expect(page2.body.items[0].id).toBeLessThan(page1.body.items[0].id);
  });

  it('SMTP 421 for a while: retried, nothing failed, one mail after recovery', async () => {
    const facility = await seedFacility(t, 'BKH', { contactEmails: ['busy@site.test'] });
    const complaint = await givenComplaint(t, 'BKH');
    smtp.mode = 'tempfail';
    const attemptsBefore = smtp.attempts;
    const res = await escalate(complaint.id, facility.id).expect(202);
    const escId = res.body.id;
    await waitUntil(async () => smtp.attempts - attemptsBefore >= 2, 15_000);
    const during = await t.db.manager.findOneByOrFail(MailSend, { escalationId: escId, step: 'initial' });
    expect(during.state).not.toBe('failed');
    expect(during.lastError).toMatch(/^421/);
    expect((await t.db.manager.findOneByOrFail(Escalation, { id: escId })).deliveryState).toBe('queued');
    smtp.mode = 'accept';
    await smtp.waitFor(() => smtp.byMessageId(`esc-${escId}-initial`).length === 1, 30_000);
    await waitUntil(async () => (await t.db.manager.findOneByOrFail(Escalation, { id: escId })).deliveryState === 'sent');
    await sleep(500);
    expect(smtp.byMessageId(`esc-${escId}-initial`)).toHaveLength(1);
    const after = await t.db.manager.findOneByOrFail(MailSend, { escalationId: escId, step: 'initial' });
    expect(after.state).toBe('sent');
    expect(after.attempts).toBeGreaterThanOrEqual(2);
  });

  it('SMTP 550: failed after one attempt, visible on the escalation, council notified', async () => {
    const facility = await seedFacility(t, 'BKH', { contactEmails: ['gone@site.test'] });
    const complaint = await givenComplaint(t, 'BKH');
    smtp.rejectRecipients.add('gone@site.test');
    const res = await escalate(complaint.id, facility.id).expect(202);
    const escId = res.body.id;
    await waitUntil(async () => (await t.db.manager.findOneByOrFail(Escalation, { id: escId })).deliveryState === 'failed');
    await smtp.waitFor(() => smtp.byMessageId(`esc-${escId}-council-failed`).length === 1);
    const notice = smtp.byMessageId(`esc-${escId}-council-failed`)[0];
    expect(notice.to).toContain(member.email);
    expect(notice.text).toContain(complaint.reference);
    await sleep(1500);
    const send = await t.db.manager.findOneByOrFail(MailSend, { escalationId: escId, step: 'initial' });
    expect(send).toMatchObject({ state: 'failed', attempts: 1 });
    expect(send.lastError).toMatch(/^550/);
    // the dead mailbox was tried once: no retries after a 5xx
    expect(smtp.rcptAttempts.get('gone@site.test')).toBe(1);
    expect(smtp.byMessageId(`esc-${escId}-initial`)).toHaveLength(0);
    const detail = await t.http().get(`/api/v1/escalations/${escId}`).set(bearer(member.token)).expect(200);
    expect(detail.body).toMatchObject({ deliveryState: 'failed', lastError: expect.stringContaining('550') });
  });

  it('keeps the canary out of Redis and logs; the outbox holds ids only', async () => {
    const facility = await seedFacility(t, 'BKH', { contactEmails: ['privacy@site.test'] });
    const complaint = await givenComplaint(t, 'BKH', { contact: { phone: CANARY_PHONE, email: CANARY_EMAIL } });
    const res = await escalate(complaint.id, facility.id, member.token, 'Staff refused service at the window.').expect(202);
    await smtp.waitFor(() => smtp.byMessageId(`esc-${res.body.id}-initial`).length === 1);
    const token = linkToken(smtp.byMessageId(`esc-${res.body.id}-initial`)[0].text);
    await t.http().get(`/api/v1/escalations/link/${token}`).expect(200);
    const redis = new Redis(process.env.TEST_REDIS_URL!);
    try {
      const keys = await redis.keys(`${t.config.queuePrefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      let dump = keys.join('\n');
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') dump += await redis.get(key);
        else if (type === 'hash') dump += JSON.stringify(await redis.hgetall(key));
        else if (type === 'list') dump += (await redis.lrange(key, 0, -1)).join('\n');
        else if (type === 'zset') dump += (await redis.zrange(key, 0, -1)).join('\n');
        else if (type === 'set') dump += (await redis.smembers(key)).join('\n');
        else if (type === 'stream') dump += JSON.stringify(await redis.xrange(key, '-', '+'));
      }
      expect(dump).toContain('mailSendId');
      expect(dump).not.toContain('CANARY');
      expect(dump).not.toContain(CANARY_EMAIL);
      expect(dump).not.toContain('refused service');
      expect(dump).not.toContain('privacy@site.test');
    } finally {
      redis.disconnect();
    }
    const outbox = await t.db.manager.find(OutboxRecord);
    for (const row of outbox) expect(Object.keys(row.payload)).toEqual(['mailSendId']);
    const logs = t.logs.text();
    expect(logs).not.toContain('CANARY');
    expect(logs).not.toContain(CANARY_EMAIL);
    expect(logs).not.toContain(token);
    expect(logs).toContain('/api/v1/escalations/link/[redacted]');
  });

  it('writes simultaneous escalate calls together; each refusal stays with its own call', async () => {
    const tenDays = await seedFacility(t, 'BKH', { slaDays: 10 });
    const twoDays = await seedFacility(t, 'BKH', { slaDays: 2 });
    const complaints = [];
    for (let i = 0; i < 12; i++) complaints.push(await givenComplaint(t, 'BKH', { contact: { phone: `+992 90 111 ${String(i).padStart(4, '0')}` } }));
    const untriaged = await givenComplaint(t, 'BKH', { status: 'received' });
    const otherCouncil = await givenComplaint(t, 'DSH');
    const links = t.app.get(ResponseLinks);
    const wanted = [...complaints.map((c, i) => [c.id, i % 2 ? tenDays.id : twoDays.id]), [complaints[0].id, tenDays.id]];
    const res = await Promise.all([
      ...wanted.map(([c, f]) => escalate(c, f)),
      escalate(untriaged.id, tenDays.id),
      escalate(complaints[1].id, 987_654),
      escalate(otherCouncil.id, tenDays.id),
    ]);
    expect(res.map((r) => r.status)).toEqual([...Array(13).fill(202), 409, 404, 404]);
    expect(res[13].body.message).toMatch(/Cannot escalate a complaint that is received/);
    expect(res[14].body.message).toMatch(/Facility/);

    for (const [i, r] of res.slice(0, 13).entries()) {
      const esc = await t.db.manager.findOneByOrFail(Escalation, { id: r.body.id });
      expect([esc.complaintId, esc.facilityId]).toEqual(wanted[i]);
      // Each link token decrypts only with its own row id and matches its own hash.
      expect(sha256Hex(links.open(esc)!)).toBe(esc.tokenHash);
      const steps = (await t.db.manager.find(MailSend, { where: { escalationId: esc.id } })).map((m) => m.step).sort();
      expect(steps).toEqual(esc.facilityId === tenDays.id ? ['initial', 'reminder1', 'reminder2'] : ['initial', 'reminder1']);
      expect(await t.db.manager.countBy(OutboxRecord, { jobId: `esc-${esc.id}-initial` })).toBe(1);
    }
    // The complaint escalated twice at once: two transitions, two timeline entries, one row state.
    const twice = await t.db.manager.findOneByOrFail(Complaint, { id: complaints[0].id });
    expect(twice).toMatchObject({ status: 'escalated', version: complaints[0].version + 2 });
    const [{ n }] = await t.db.manager.query(`SELECT COUNT(*) AS n FROM complaint_events WHERE complaint_id = ${complaints[0].id} AND type = 'escalated'`);
    expect(Number(n)).toBe(2);
    expect((await t.db.manager.findOneByOrFail(Complaint, { id: untriaged.id })).status).toBe('received');
  });

  it('reports queue and outbox figures on /health', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', queues: { status: 'up', outbox: { unrelayed: expect.any(Number) } } });
    expect(res.body.queues.jobs.mail).toEqual(expect.objectContaining({ waiting: expect.any(Number), failed: expect.any(Number) }));
  });

  it('serves the queue dashboard to admins only', async () => {
    await t.http().get('/admin/queues').expect(401);
    await t.http().get('/admin/queues').set(bearer(member.token)).expect(401);
    const ok = await t.http().get('/admin/queues').set(bearer(t.adminToken)).expect(200);
    expect(ok.text).toContain('<html');
    // bull-board's UI sets inline styles; its own CSP allows those and nothing else extra.
    expect(ok.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(ok.headers['content-security-policy']).toContain("script-src 'self';");
    const api = await t.http().get('/admin/queues/api/queues').set(bearer(t.adminToken)).expect(200);
    expect(JSON.stringify(api.body)).toContain('mail');
  });
});

async function waitUntil(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

async function snapshot(t: TestApp, escId: number) {
  const esc = await t.db.manager.findOneByOrFail(Escalation, { id: escId });
  const sends = await t.db.manager.find(MailSend, { where: { escalationId: escId }, order: { id: 'ASC' } });
  const audit = await t.db.manager.query('SELECT COUNT(*) AS n FROM audit_events');
  return { esc, sends: sends.map((s) => [s.step, s.state]), audit: Number(audit[0].n) };
}

describe('escalation mail without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { MAIL_FROM: 'KPAC tracker <no-reply@kpac.test>' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes each message as an .eml file under <DATA_DIR>/outbox, named by its Message-ID', async () => {
    const member = await seedMember(t, 'KHJ');
    const facility = await seedFacility(t, 'KHJ', { language: 'tg', contactEmails: ['site@khujand.test'] });
    const complaint = await givenComplaint(t, 'KHJ');
    const res = await t
      .http()
      .post(`/api/v1/complaints/${complaint.id}/escalations`)
      .set(bearer(member.token))
      .send({ facilityId: facility.id, summary: 'The pharmacy window closes before the bus arrives.' })
      .expect(202);
    const file = join(t.config.dataDir, 'outbox', `esc-${res.body.id}-initial@kpac.test.eml`);
    await waitUntil(async () => existsSync(file));
    const eml = readFileSync(file, 'utf8');
    expect(eml).toContain(`Message-ID: <esc-${res.body.id}-initial@kpac.test>`);
    expect(eml).toContain('site@khujand.test');
    await waitUntil(async () => (await t.db.manager.findOneByOrFail(Escalation, { id: res.body.id })).deliveryState === 'sent');
  });
});
