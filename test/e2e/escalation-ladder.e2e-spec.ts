import { addDays, addMonths } from '../../src/common/dates';
import { Complaint } from '../../src/complaints/complaint.entity';
import { ComplaintEvent } from '../../src/complaints/complaint-event.entity';
import { Escalation } from '../../src/escalations/escalation.entity';
import { givenComplaint } from '../support/escalation-fixtures';
import { bearer, seedFacility, seedMember } from '../support/fixtures';
import { sleep, TestSmtp } from '../support/smtp';
import { createTestApp, TestApp, sweepsOf } from '../support/test-app';

describe('SLA ladder and council reminders (clock moved, sweep called directly)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sweep: ReturnType<typeof sweepsOf>;

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'KPAC <no-reply@kpac.test>' } });
    sweep = sweepsOf(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const count = (prefix: string) => smtp.byMessageId(prefix).length;
  const sweepTwice = async () => {
    await sweep.run();
    await sweep.run();
  };

  it('reminds at half the SLA and a day before, then overdue → parent authority and council, each once', async () => {
    const member = await seedMember(t, 'DSH');
    const authority = await seedFacility(t, 'DSH', { type: 'authority', name: 'City Health Department', language: 'en', contactEmails: ['health-dept@dushanbe.test'], slaDays: 10 });
    const site = await seedFacility(t, 'DSH', { type: 'ost_site', language: 'tg', contactEmails: ['ost@dushanbe.test'], slaDays: 10, parentId: authority.id });
    const complaint = await givenComplaint(t, 'DSH');
    const summary = 'Clients wait outside for two hours before the window opens.';
    const res = await t.http().post(`/api/v1/complaints/${complaint.id}/escalations`).set(bearer(member.token)).send({ facilityId: site.id, summary }).expect(202);
    const escId: number = res.body.id;
    await smtp.waitFor(() => count(`esc-${escId}-initial`) === 1);

    // Not yet half-way: nothing.
    t.clock.advanceDays(4.9);
    await sweepTwice();
    await sleep(500);
    expect(count(`esc-${escId}-reminder1`)).toBe(0);

    t.clock.advanceDays(0.2); // day 5.1
    await sweepTwice();
    await smtp.waitFor(() => count(`esc-${escId}-reminder1`) === 1);
    expect(smtp.byMessageId(`esc-${escId}-reminder1`)[0].to).toEqual(['ost@dushanbe.test']);

    t.clock.advanceDays(4); // day 9.1: one day before the deadline
    await sweepTwice();
    await smtp.waitFor(() => count(`esc-${escId}-reminder2`) === 1);
    expect((await t.db.manager.findOneByOrFail(Escalation, { id: escId })).responseState).toBe('awaiting');

    t.clock.advanceDays(1); // day 10.1: past due
    const report = await sweep.run();
    expect(report.breached).toBe(1);
    expect((await sweep.run()).breached).toBe(0);

    const overdue = await t.db.manager.findOneByOrFail(Escalation, { id: escId });
    expect(overdue.responseState).toBe('overdue');
    const next = await t.db.manager.findOneByOrFail(Escalation, { parentEscalationId: escId });
    expect(next).toMatchObject({ facilityId: authority.id, rung: 2, summary, createdBy: null, responseState: 'awaiting' });
    expect((await t.db.manager.findOneByOrFail(Complaint, { id: complaint.id })).status).toBe('escalated');

    await smtp.waitFor(() => count(`esc-${escId}-overdue`) === 1 && count(`esc-${escId}-council-overdue`) === 1 && count(`esc-${next.id}-initial`) === 1);
    const notice = smtp.byMessageId(`esc-${escId}-council-overdue`)[0];
    expect(notice.to).toContain(member.email);
    expect(notice.text).toContain('City Health Department');
    expect(smtp.byMessageId(`esc-${next.id}-initial`)[0].to).toEqual(['health-dept@dushanbe.test']);
    expect(smtp.byMessageId(`esc-${next.id}-initial`)[0].text).toContain(summary);

    // More sweeps change nothing; each step happened exactly once.
    await sweepTwice();
    await sleep(800);
    for (const step of ['initial', 'reminder1', 'reminder2', 'overdue', 'council-overdue']) expect(count(`esc-${escId}-${step}@`)).toBe(1);
    expect(await t.db.manager.count(Escalation, { where: { complaintId: complaint.id } })).toBe(2);
    const events = await t.db.manager.find(ComplaintEvent, { where: { complaintId: complaint.id } });
    expect(events.filter((e) => e.type === 'overdue')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'escalated')).toHaveLength(2);

    // The top rung has no parent: overdue and the council is told, nothing further.
    t.clock.advanceDays(10.1);
    await sweepTwice();
    await smtp.waitFor(() => count(`esc-${next.id}-council-overdue`) === 1);
    expect(await t.db.manager.count(Escalation, { where: { complaintId: complaint.id } })).toBe(2);
    expect((await t.db.manager.findOneByOrFail(Escalation, { id: next.id })).responseState).toBe('overdue');
  });

  it('stops reminders once the facility answers; supersedes escalations of a complaint that moved on', async () => {
    const member = await seedMember(t, 'BKH');
    const site = await seedFacility(t, 'BKH', { contactEmails: ['answers@bokhtar.test'], slaDays: 10 });
    const c1 = await givenComplaint(t, 'BKH');
    const e1 = (await t.http().post(`/api/v1/complaints/${c1.id}/escalations`).set(bearer(member.token)).send({ facilityId: site.id, summary: 'Opening hours do not suit working clients.' }).expect(202)).body.id;
    await smtp.waitFor(() => count(`esc-${e1}-initial`) === 1);
    await t.db.transaction(({ em }) => em.update(Complaint, { id: c1.id }, { status: 'resolved' }));
    t.clock.advanceDays(6);
    const r = await sweep.run();
    expect(r.superseded).toBeGreaterThanOrEqual(1);
    t.clock.advanceDays(6);
    await sweepTwice();
    await sleep(800);
    expect(count(`esc-${e1}-reminder1`)).toBe(0);
    expect(count(`esc-${e1}-overdue`)).toBe(0);
    expect((await t.db.manager.findOneByOrFail(Escalation, { id: e1 })).responseState).toBe('superseded');
  });

  it('reminds the council of terms ending in 60 and 30 days and of vacancies, each once', async () => {
    const today = t.clock.now().toISOString().slice(0, 10);
    // A Kulob term ending in 45 days (terms are 24 months), and one more member with a long way to go.
    const ending = await seedMember(t, 'KLB', { termStart: addMonths(addDays(today, 45), -24), name: 'Ending Member' });
    const other = await seedMember(t, 'KLB', { name: 'Staying Member' });
    await sweepTwice();
    await smtp.waitFor(() => count(`term-${ending.termId}-ends60`) === 1);
    const n60 = smtp.byMessageId(`term-${ending.termId}-ends60`)[0];
    expect(n60.to.sort()).toEqual([ending.email, other.email].sort());
    expect(n60.text).toContain('Ending Member');
    const vacancy = () => smtp.mails.filter((m) => m.messageId.startsWith(`<vac-${ending.councilId}-`));
    await smtp.waitFor(() => vacancy().length === 1);

    t.clock.advanceDays(16); // 29 days left
    await sweepTwice();
    await smtp.waitFor(() => count(`term-${ending.termId}-ends30`) === 1);
    await sweepTwice();
    await sleep(800);
    expect(count(`term-${ending.termId}-ends60`)).toBe(1);
    expect(count(`term-${ending.termId}-ends30`)).toBe(1);
    expect(vacancy()).toHaveLength(1);

    // A new member changes the seated set: the (still) vacant seats are reported again, once.
    await seedMember(t, 'KLB', { login: false });
    await sweepTwice();
    await smtp.waitFor(() => vacancy().length === 2);
    await sweepTwice();
    await sleep(500);
    expect(vacancy()).toHaveLength(2);
  });
});
