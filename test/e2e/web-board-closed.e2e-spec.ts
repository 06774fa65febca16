import { AuditEvent } from '../../src/audit/audit-event.entity';
import type { Actor } from '../../src/auth/actor';
import { ComplaintIntakeService } from '../../src/complaints/complaint-intake.service';
import { Complaint } from '../../src/complaints/complaint.entity';
import { ComplaintsService } from '../../src/complaints/complaints.service';
import { User } from '../../src/users/user.entity';
import { givenComplaint } from '../support/escalation-fixtures';
import { cityByCode, seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { webLogin } from '../support/web-client';

/** The board closes the loop: closed complaints stay findable, a complainant's "not resolved" is flagged and can be reopened. */
describe('the board: closed column, status filter, disputed complaints', () => {
  let t: TestApp;
  let member: Awaited<ReturnType<typeof webLogin>>;
  let disputed: Complaint;
  let rejected: Complaint;
  let old: Complaint;
  let open: Complaint;

  /** A resolved complaint whose complainant answers "not resolved" through the public API, as on /track. */
  async function givenDisputed(): Promise<Complaint> {
    const { city } = await cityByCode(t, 'BKH');
    const admin = await t.db.manager.findOneByOrFail(User, { role: 'admin' });
    const actor: Actor = { kind: 'admin', userId: admin.id };
    const made = await t.app.get(ComplaintIntakeService).submitStaff(actor, {
      cityId: city.id,
      category: 'opening_hours',
      description: 'The site closes at noon and I miss my dose.',
      keyPopulations: ['people_who_use_drugs'],
      consents: { mayContact: false, discloseIdentityToFacility: false },
    });
    const complaints = t.app.get(ComplaintsService);
    await complaints.triage(actor, made.id!, { decision: 'accept' });
    await complaints.resolve(actor, made.id!, { outcome: 'resolved_positive' });
    await t.http().post('/api/v1/public/complaints/confirm').send({ reference: made.reference, trackingCode: made.trackingCode, resolvedForMe: false }).expect(200);
    return t.db.manager.findOneByOrFail(Complaint, { id: made.id! });
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '1000' } });
    old = await givenComplaint(t, 'BKH', { status: 'resolved', description: 'Closed long ago: the queue was too long.' });
    t.clock.advanceDays(100);
    disputed = await givenDisputed();
    t.clock.advanceDays(1);
    rejected = await givenComplaint(t, 'BKH', { status: 'rejected', description: 'Not a matter for the council at all.' });
    open = await givenComplaint(t, 'BKH', { status: 'received', description: 'Nobody answered the phone at the clinic.' });
    const m = await seedMember(t, 'BKH');
    member = await webLogin(t, m.email, STAFF_PASSWORD);
  });
  afterAll(async () => t?.close());

  const column = (html: string, key: string) => {
    const m = html.match(new RegExp(`data-column="${key}">([\\s\\S]*?)</section>`));
    return m ? m[1] : null;
  };

  it('shows resolved and rejected complaints of the last 90 days in a closed column, most recent first, disputed ones flagged', async () => {
    const board = await member.get('/staff');
    expect(board.status).toBe(200);
    const closed = column(board.text, 'colClosed')!;
    expect(closed).not.toBeNull();
    expect(closed).toContain(rejected.reference);
    expect(closed).toContain(disputed.reference);
    expect(closed).not.toContain(old.reference);
    expect(closed.indexOf(rejected.reference)).toBeLessThan(closed.indexOf(disputed.reference));
    // The disputed badge sits on the disputed card only.
    const disputedCard = closed.slice(closed.indexOf(disputed.reference)).split('</li>')[0];
    expect(disputedCard).toContain('class="badge overdue disputed"');
    const rejectedCard = closed.slice(closed.indexOf(rejected.reference)).split('</li>')[0];
    expect(rejectedCard).not.toContain('disputed');
    expect(column(board.text, 'colNew')).toContain(open.reference);
  });

  it('filters by status: one column for one status, the disputed ones whatever their age', async () => {
    const onlyRejected = await member.get('/staff?status=rejected');
    expect(column(onlyRejected.text, 'colNew')).toBeNull();
    expect(column(onlyRejected.text, 'colClosed')).toContain(rejected.reference);
    expect(column(onlyRejected.text, 'colClosed')).not.toContain(disputed.reference);
    expect(onlyRejected.text).toContain('<option value="rejected" selected>');
    const onlyDisputed = await member.get('/staff?status=disputed');
    expect(column(onlyDisputed.text, 'colDisputed')).toContain(disputed.reference);
    expect(column(onlyDisputed.text, 'colDisputed')).not.toContain(rejected.reference);
    const onlyNew = await member.get('/staff?status=received');
    expect(column(onlyNew.text, 'colNew')).toContain(open.reference);
    expect(column(onlyNew.text, 'colClosed')).toBeNull();
    // An unknown status is ignored: every column.
    const any = await member.get('/staff?status=bogus');
    expect(column(any.text, 'colNew')).toContain(open.reference);
    expect(column(any.text, 'colClosed')).toContain(rejected.reference);
  });

  it('flags the dispute on the complaint page and reopens it from there, audited', async () => {
    const page = await member.get(`/staff/complaints/${disputed.id}`);
    expect(page.text).toContain('id="disputed"');
    expect(page.text).toContain('href="#reopen"');
    expect(page.text).toContain('id="reopen"');
    const version = page.text.match(/action="\/staff\/complaints\/\d+\/reopen"[\s\S]*?name="version" value="(\d+)"/)![1];
    const res = await member.post(`/staff/complaints/${disputed.id}`, `/staff/complaints/${disputed.id}/reopen`, { version, reopenNote: 'She says the hours did not change.' });
    expect(res.status).toBe(303);
    const after = await t.db.manager.findOneByOrFail(Complaint, { id: disputed.id });
    expect(after.status).toBe('in_review');
    expect(after.complainantVerified).toBeNull();
    const audit = await t.db.manager.findBy(AuditEvent, { action: 'complaint.reopen', entityId: String(disputed.id) });
    expect(audit).toHaveLength(1);
    const again = await member.get(`/staff/complaints/${disputed.id}`);
    expect(again.text).not.toContain('id="disputed"');
    const board = await member.get('/staff');
    expect(column(board.text, 'colInReview')).toContain(disputed.reference);
    expect(column(board.text, 'colClosed')).not.toContain(disputed.reference);
  });

  it('reopens a disputed complaint straight from its card on the board', async () => {
    const another = await givenDisputed();
    const board = await member.get('/staff');
    const card = column(board.text, 'colClosed')!.split('</li>').find((li) => li.includes(another.reference))!;
    expect(card).toContain(`action="/staff/complaints/${another.id}/reopen"`);
    expect(column(board.text, 'colClosed')!.split('</li>').find((li) => li.includes(rejected.reference))).not.toContain('/reopen');
    const res = await member.post('/staff', `/staff/complaints/${another.id}/reopen`, {});
    expect(res.status).toBe(303);
    expect((await t.db.manager.findOneByOrFail(Complaint, { id: another.id })).status).toBe('in_review');
  });

  it('refuses to reopen a rejected complaint with 409', async () => {
    const page = await member.get(`/staff/complaints/${rejected.id}`);
    expect(page.text).not.toContain('id="reopen"');
    const res = await member.post(`/staff/complaints/${rejected.id}`, `/staff/complaints/${rejected.id}/reopen`, { version: String(rejected.version) });
    expect(res.status).toBe(409);
    expect((await t.db.manager.findOneByOrFail(Complaint, { id: rejected.id })).status).toBe('rejected');
  });
});
