import { Complaint } from '../../src/complaints/complaint.entity';
import { Facility } from '../../src/facilities/facility.entity';
import { Term } from '../../src/councils/term.entity';
import { Training } from '../../src/councils/training.entity';
import { User } from '../../src/users/user.entity';
import { cityByCode, seedFacility, seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';
import { codeOn, completeWebLogin, csrfOf, Jar } from '../support/web-client';

/** The admin forms added to the web interface: facility edit (the ladder), council member actions, account switch. */

describe('admin web forms', () => {
  let t: TestApp;
  let admin: Jar;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAs(ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => t?.close());

  async function get(jar: Jar, path: string) {
    return jar.take(await t.http().get(path).set('cookie', jar.header()));
  }
  async function post(jar: Jar, path: string, body: Record<string, string>, from = path) {
    const page = await get(jar, from);
    expect(page.status).toBe(200);
    return jar.take(await t.http().post(path).set('cookie', jar.header()).type('form').send({ ...body, _csrf: csrfOf(page.text) }));
  }
  async function loginAs(email: string, password = STAFF_PASSWORD) {
    const jar = new Jar();
    const res = await completeWebLogin(t, jar, email, await post(jar, '/login', { email, password }));
    expect(res.status).toBe(303);
    return jar;
  }

  it('edits a facility and its place on the ladder; a cycle or a non-authority parent shows the refusal on the form', async () => {
    const top = await seedFacility(t, 'BKH', { type: 'authority', name: 'Облздрав Хатлон' });
    const mid = await seedFacility(t, 'BKH', { type: 'authority', name: 'Горздрав Бохтар', parentId: top.id });
    const site = await seedFacility(t, 'BKH', { name: 'Метадон Бохтар' });
    const edit = `/admin/facilities/${site.id}/edit`;
    const form = await get(admin, edit);
    expect(form.text).toContain('Метадон Бохтар');
    const fields = { name: 'Метадоновая программа Бохтар', cityId: String(site.cityId), type: site.type, contactEmails: 'a@bokhtar.test, b@bokhtar.test', language: 'tg', slaDays: '7' };
    const ok = await post(admin, `/admin/facilities/${site.id}`, { ...fields, parentId: String(mid.id) }, edit);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/admin/facilities?done=1');
    const saved = await t.db.manager.findOneByOrFail(Facility, { id: site.id });
    expect(saved).toMatchObject({ name: 'Метадоновая программа Бохтар', parentId: mid.id, language: 'tg', slaDays: 7, contactEmails: ['a@bokhtar.test', 'b@bokhtar.test'] });

    // The top authority under its own child: a cycle, refused by the service, shown on the form with the input kept.
    const topEdit = `/admin/facilities/${top.id}/edit`;
    const cycle = await post(admin, `/admin/facilities/${top.id}`, { name: 'Облздрав Хатлон (new)', cityId: String(top.cityId), type: 'authority', contactEmails: '', language: 'ru', slaDays: '10', parentId: String(mid.id) }, topEdit);
    expect(cycle.status).toBeGreaterThanOrEqual(400);
    expect(cycle.status).toBeLessThan(500);
    expect(cycle.text).toContain('error-summary');
    // In the page's language, next to the parent field, with the loop named; not the service's English.
    expect(cycle.text).toContain('id="parentId-error"');
    expect(cycle.text).toContain('Цепочка обращений замкнулась бы в круг');
    expect(cycle.text).not.toMatch(/would loop/);
    expect(cycle.text).toContain('Облздрав Хатлон (new)');
    expect((await t.db.manager.findOneByOrFail(Facility, { id: top.id })).parentId).toBeNull();

    // A treatment site as the next level: refused too.
    const other = await seedFacility(t, 'BKH');
    const bad = await post(admin, `/admin/facilities/${other.id}`, { ...fields, name: other.name, parentId: String(site.id) }, `/admin/facilities/${other.id}/edit`);
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.text).toContain('error-summary');
    expect(bad.text).toContain('Следующим уровнем может быть только орган управления');
    expect((await t.db.manager.findOneByOrFail(Facility, { id: other.id })).parentId).toBeNull();

    // Field validation re-renders with the message next to the field.
    const invalid = await post(admin, `/admin/facilities/${site.id}`, { ...fields, contactEmails: 'not-an-email', parentId: '' }, edit);
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('id="contactEmails-error"');
    expect(invalid.text).toContain('value="not-an-email"');
  });

  it('council page: an admin ends a term early, records a training and renews a term; bad input is shown next to the field', async () => {
    const leaving = await seedMember(t, 'KLB', { name: 'Leaving Member', login: false });
    const staying = await seedMember(t, 'KLB', { name: 'Staying Member', login: false });
    const page = `/staff/council?id=${leaving.councilId}`;
    expect((await get(admin, page)).text).toContain('/staff/council/end');
    const today = t.clock.now().toISOString().slice(0, 10);

    const ended = await post(admin, '/staff/council/end', { councilId: String(leaving.councilId), memberId: String(leaving.memberId), reason: 'resigned', endedOn: today }, page);
    expect(ended.status).toBe(303);
    expect(ended.headers.location).toBe(`/staff/council?id=${leaving.councilId}&done=1`);
    expect(await t.db.manager.findOneByOrFail(Term, { id: leaving.termId })).toMatchObject({ endedOn: today, endReason: 'resigned' });

    const badReason = await post(admin, '/staff/council/end', { councilId: String(staying.councilId), memberId: String(staying.memberId), reason: 'bored', endedOn: 'yesterday' }, page);
    expect(badReason.status).toBe(400);
    expect(badReason.text).toContain('id="end.reason-error"');
    expect(badReason.text).toContain('id="end.endedOn-error"');
    expect(badReason.text).toContain('value="yesterday"');
    expect((await t.db.manager.findOneByOrFail(Term, { id: staying.termId })).endedOn).toBeNull();

    const trained = await post(admin, '/staff/council/training', { councilId: String(staying.councilId), memberId: String(staying.memberId), topic: 'Права пациентов', date: today }, page);
    expect(trained.status).toBe(303);
    expect(await t.db.manager.findBy(Training, { memberId: staying.memberId })).toEqual([expect.objectContaining({ topic: 'Права пациентов', date: today })]);
    const noTopic = await post(admin, '/staff/council/training', { councilId: String(staying.councilId), memberId: String(staying.memberId), topic: '  ', date: today }, page);
    expect(noTopic.status).toBe(400);
    expect(noTopic.text).toContain('id="training.topic-error"');

    const term = await t.db.manager.findOneByOrFail(Term, { id: staying.termId });
    const renewed = await post(admin, '/staff/council/renew', { councilId: String(staying.councilId), memberId: String(staying.memberId), termStart: term.termEnd }, page);
    expect(renewed.status).toBe(303);
    expect(await t.db.manager.countBy(Term, { memberId: staying.memberId })).toBe(2);
    // A term that overlaps the one they hold: the service's refusal is shown on the page.
    const overlap = await post(admin, '/staff/council/renew', { councilId: String(staying.councilId), memberId: String(staying.memberId), termStart: today }, page);
    expect(overlap.status).toBe(409);
    expect(overlap.text).toContain('error-summary');
    expect(overlap.text).toContain('Этот член совета уже занимает место с');
    expect(overlap.text).toMatch(/уже занимает место с \d{1,2} [а-яё]+ \d{4}/);
    expect(overlap.text).not.toContain('already holds a seat');
    expect(await t.db.manager.countBy(Term, { memberId: staying.memberId })).toBe(2);
  });

  it('staff accounts: an admin deactivates and reactivates an account; a deactivated member cannot log in', async () => {
    const member = await seedMember(t, 'KHJ', { login: false });
    const me = await t.db.manager.findOneByOrFail(User, { email: ADMIN_EMAIL });
    const list = await get(admin, '/admin/users');
    expect(list.text).toContain(`action="/admin/users/${member.userId}/active"`);
    expect(list.text).not.toContain(`action="/admin/users/${me.id}/active"`); // no self-lockout button
    const off = await post(admin, `/admin/users/${member.userId}/active`, { active: 'false' }, '/admin/users');
    expect(off.status).toBe(303);
    expect((await t.db.manager.findOneByOrFail(User, { id: member.userId })).active).toBe(false);
    const jar = new Jar();
    const refused = await post(jar, '/login', { email: member.email, password: STAFF_PASSWORD });
    expect(refused.status).not.toBe(303);
    const bad = await post(admin, `/admin/users/${member.userId}/active`, { active: 'maybe' }, '/admin/users');
    expect(bad.status).toBe(400);
    expect((await t.db.manager.findOneByOrFail(User, { id: member.userId })).active).toBe(false);
    const on = await post(admin, `/admin/users/${member.userId}/active`, { active: 'true' }, '/admin/users');
    expect(on.status).toBe(303);
    expect((await t.db.manager.findOneByOrFail(User, { id: member.userId })).active).toBe(true);
    await loginAs(member.email);
  });

  it('a council member gets 403 on every admin form and sees no management forms on the council page', async () => {
    const member = await seedMember(t, 'DSH', { login: false });
    const jar = await loginAs(member.email);
    const council = await get(jar, '/staff/council');
    expect(council.status).toBe(200);
    expect(council.text).not.toContain('/staff/council/end');
    const token = csrfOf(council.text);
    const site = await seedFacility(t, 'DSH');
    const attempts: Array<[string, Record<string, string>]> = [
      [`/admin/facilities/${site.id}`, { name: 'Hijacked', cityId: String(site.cityId), type: 'ost_site', contactEmails: '', language: 'ru', slaDays: '5', parentId: '' }],
      ['/staff/council/end', { councilId: String(member.councilId), memberId: String(member.memberId), reason: 'removed', endedOn: t.clock.now().toISOString().slice(0, 10) }],
      ['/staff/council/training', { councilId: String(member.councilId), memberId: String(member.memberId), topic: 'x', date: '2026-01-01' }],
      ['/staff/council/renew', { councilId: String(member.councilId), memberId: String(member.memberId), termStart: '2030-01-01' }],
      [`/admin/users/${member.userId}/active`, { active: 'false' }],
    ];
    for (const [path, body] of attempts) {
      const res = await t.http().post(path).set('cookie', jar.header()).type('form').send({ ...body, _csrf: token });
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect((await get(jar, `/admin/facilities/${site.id}/edit`)).status).toBe(403);
    expect((await t.db.manager.findOneByOrFail(Facility, { id: site.id })).name).not.toBe('Hijacked');
    expect((await t.db.manager.findOneByOrFail(Term, { id: member.termId })).endedOn).toBeNull();
    expect(await t.db.manager.countBy(Training, { memberId: member.memberId })).toBe(0);
    expect((await t.db.manager.findOneByOrFail(User, { id: member.userId })).active).toBe(true);
  });

  it('paper complaints: a member enters one for their own city only, sees the codes once and links to the complaint', async () => {
    const member = await seedMember(t, 'BKH', { login: false });
    const jar = await loginAs(member.email);
    expect((await get(jar, '/staff')).text).toContain('href="/staff/intake"');
    const site = await seedFacility(t, 'BKH', { name: 'Метадон Бохтар intake' });
    const { city: dushanbe } = await cityByCode(t, 'DSH');
    const yesterday = new Date(t.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);

    // Missing category and description: kept input, messages next to the fields, nothing created.
    const before = await t.db.manager.count(Complaint);
    const bad = await post(jar, '/staff/intake', { channel: 'hotline', description: '', category: '', phone: '+992 900 000 000' }, '/staff/intake');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="category-error"');
    expect(bad.text).toContain('id="description-error"');
    expect(bad.text).toContain('value="+992 900 000 000"');
    expect(await t.db.manager.count(Complaint)).toBe(before);

    // A Dushanbe city id in the form is ignored: the member's complaints are for Bokhtar.
    const ok = await post(
      jar,
      '/staff/intake',
      {
        cityId: String(dushanbe.id),
        facilityId: String(site.id),
        channel: 'outreach',
        receivedAt: yesterday,
        category: 'waiting_time',
        description: 'Записано на выезде: очередь с шести утра.',
        keyPopulations: 'people_who_use_drugs',
        gender: 'female',
        ageGroup: '36-55',
        responsiblePartyType: 'healthcare',
        disclose: 'on',
      },
      '/staff/intake',
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/staff/intake/done');
    const done = await get(jar, '/staff/intake/done');
    expect(done.status).toBe(200);
    const reference = codeOn(done.text, 'reference');
    expect(reference).toMatch(/^BKH-\d{2}-\d{4}$/);
    expect(codeOn(done.text, 'tracking-code')).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const saved = await t.db.manager.findOneByOrFail(Complaint, { reference });
    expect(saved).toMatchObject({ cityId: member.cityId, facilityId: site.id, channel: 'outreach' });
    // The REAct profile and the consent are recorded as on the public form.
    expect(saved).toMatchObject({ keyPopulations: ['people_who_use_drugs'], gender: 'female', ageGroup: '36-55', responsiblePartyType: 'healthcare', discloseIdentityToFacility: true });
    expect(done.text).toContain(`href="/staff/complaints/${saved.id}"`);
    // A reload shows the codes again for 15 minutes (issue 11: kept server-side, not in the cookie).
    const again = await get(jar, '/staff/intake/done');
    expect(again.status).toBe(200);
    expect(codeOn(again.text, 'reference')).toBe(reference);
    t.clock.advanceMs(15 * 60_000 + 1);
    expect((await get(jar, '/staff/intake/done')).status).toBe(303);
    t.clock.advanceMs(-(15 * 60_000 + 1));

    // An admin chooses the city; a facility from another city is refused with the service's message.
    const wrong = await post(admin, '/staff/intake', { cityId: String(dushanbe.id), facilityId: String(site.id), channel: 'paper_form', category: 'waiting_time', description: 'x y z' }, '/staff/intake');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('error-summary');
    expect(wrong.text).toContain('Это учреждение не в выбранном городе.');
    expect(wrong.text).not.toContain('facilityId does not name a facility in this city');
  });
});
