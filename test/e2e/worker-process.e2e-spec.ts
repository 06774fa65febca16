import { randomBytes } from 'node:crypto';
import { Complaint } from '../../src/complaints/complaint.entity';
import { MailSend } from '../../src/notifications/mail-send.entity';
import { givenComplaint } from '../support/escalation-fixtures';
import { bearer, cityByCode, seedFacility, seedMember } from '../support/fixtures';
import { TestSmtp } from '../support/smtp';
import { createTestApp, createTestDatabase, TestApp, usePostgres } from '../support/test-app';

/**
 * The documented split: the API with WORKER=off and `npm run worker` elsewhere, both writing the
 * same database. Two applications with their own connections stand for the two processes (on
 * SQLite two connections to one file lock each other exactly as two processes do).
 */
describe(`API and a separate worker on one ${usePostgres ? 'PostgreSQL' : 'SQLite'} database`, () => {
  let smtp: TestSmtp;
  let api: TestApp;
  let worker: TestApp;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    const db = await createTestDatabase();
    drop = db.drop;
    const env = { QUEUE_PREFIX: `kpac-test-${randomBytes(4).toString('hex')}`, SMTP_URL: smtp.url };
    api = await createTestApp({ databaseUrl: db.url, env: { ...env, WORKER: 'off' } });
    worker = await createTestApp({ databaseUrl: db.url, env: { ...env, WORKER: 'inline' } });
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
    await drop();
    await smtp.stop();
  });

  it('mails every escalation made on the API while both write at once; no request fails', async () => {
    const member = await seedMember(api, 'BKH');
    const facility = await seedFacility(api, 'BKH', { contactEmails: ['director@site.test'] });
    const cityId = (await cityByCode(api, 'BKH')).city.id;
    const complaints: Complaint[] = [];
    for (let i = 0; i < 60; i++) complaints.push(await givenComplaint(api, 'BKH'));

    // Escalations and public submissions on the API while the worker claims and marks sends.
    const escalations = complaints.map((c) =>
      api.http().post(`/api/v1/complaints/${c.id}/escalations`).set(bearer(member.token)).send({ facilityId: facility.id, summary: 'Clients wait two hours at the window.' }),
    );
    const intakes = Array.from({ length: 30 }, (_, i) =>
      api.http().post('/api/v1/public/complaints').send({ cityId, category: 'waiting_time', description: `Queue complaint ${i}` }),
    );
    const res = await Promise.all([...escalations, ...intakes]);
    expect(res.map((r) => r.status)).toEqual([...Array(60).fill(202), ...Array(30).fill(201)]);

    const ids = res.slice(0, 60).map((r) => r.body.id as number);
    await smtp.waitFor((mails) => ids.every((id) => mails.some((m) => m.messageId === `<esc-${id}-initial@localhost>`)), 30_000, '60 initial mails');
    const deadline = Date.now() + 15_000;
    let sent = 0;
    while (Date.now() < deadline && sent < 60) {
      sent = await worker.db.manager.countBy(MailSend, { step: 'initial', state: 'sent' });
      if (sent < 60) await new Promise((r) => setTimeout(r, 100));
    }
    expect(sent).toBe(60);
  });
});
