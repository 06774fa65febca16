import { Complaint } from '../../src/complaints/complaint.entity';
import { cityByCode, seedFacility } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';
import { completeWebLogin, csrfOf, Jar } from '../support/web-client';

/**
 * A service's refusal is placed by the field and reason it carries (issue 12), never by its
 * message text: next to the field on every form, with the service's own words above a staff form.
 */
describe('refusals on web forms', () => {
  let t: TestApp;
  let admin: Jar;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '1000' } });
    admin = new Jar();
    const res = await completeWebLogin(t, admin, ADMIN_EMAIL, await post(admin, '/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }));
    expect(res.status).toBe(303);
  });
  afterAll(async () => t?.close());

  async function post(jar: Jar, path: string, body: Record<string, string>, from = path) {
    const page = jar.take(await t.http().get(from).set('cookie', jar.header()));
    expect(page.status).toBe(200);
    return jar.take(await t.http().post(path).set('cookie', jar.header()).set('accept-language', 'en').type('form').send({ ...body, _csrf: csrfOf(page.text) }));
  }

  it('the public form shows the intake’s date and facility checks next to their fields', async () => {
    const { city: bokhtar } = await cityByCode(t, 'BKH');
    const elsewhere = await seedFacility(t, 'DSH', { name: 'Клиника Душанбе' });
    const base = { cityId: String(bokhtar.id), category: 'waiting_time', description: 'Ждали шесть часов у окна.' };
    const before = await t.db.manager.count(Complaint);

    const future = new Date(t.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    const late = await post(new Jar(), '/complain', { ...base, incidentDate: future });
    expect(late.status).toBe(400);
    expect(late.text).toContain('id="incidentDate-error"');
    expect(late.text).toContain('Enter a date that is not in the future.');
    expect(late.text).toContain('Ждали шесть часов у окна.'); // the input is kept

    const wrongCity = await post(new Jar(), '/complain', { ...base, facilityId: String(elsewhere.id) });
    expect(wrongCity.status).toBe(400);
    expect(wrongCity.text).toContain('id="facilityId-error"');
    expect(wrongCity.text).toContain('This service is not in the chosen city.');
    expect(await t.db.manager.count(Complaint)).toBe(before);
  });

  it('a staff form shows the refusal translated next to its field, not the service’s English', async () => {
    const { city: bokhtar } = await cityByCode(t, 'BKH');
    const elsewhere = await seedFacility(t, 'DSH', { name: 'Клиника Душанбе 2' });
    const res = await post(admin, '/staff/intake', { cityId: String(bokhtar.id), facilityId: String(elsewhere.id), channel: 'paper_form', category: 'waiting_time', description: 'x y z' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('error-summary');
    expect(res.text).toContain('Please correct the marked fields.');
    expect(res.text).not.toContain('facilityId does not name a facility in this city');
    expect(res.text).toContain('id="facilityId-error"');

    // The ladder's next rung must be an authority: the parent field says so, the summary says why.
    const site = await seedFacility(t, 'BKH', { name: 'Метадон Бохтар refusals' });
    const clinic = await seedFacility(t, 'BKH', { name: 'Клиника Бохтар' });
    const edit = `/admin/facilities/${site.id}/edit`;
    const fields = { name: site.name, cityId: String(site.cityId), type: site.type, contactEmails: 'a@bokhtar.test', language: 'tg', slaDays: '7' };
    const bad = await post(admin, `/admin/facilities/${site.id}`, { ...fields, parentId: String(clinic.id) }, edit);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="parentId-error"');
    expect(bad.text).toContain('The next level of the ladder must be an authority');
    expect(bad.text).not.toContain('the next rung of the ladder');
  });

  it('an expired form is told by the refusal’s reason, not its message', async () => {
    const res = await t.http().post('/feedback').set('accept-language', 'en').type('form').send({ facilityId: '1' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('The form has expired');
  });
});
