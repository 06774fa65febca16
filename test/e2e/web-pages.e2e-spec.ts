import { addDays, addMonths } from '../../src/common/dates';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Complaint } from '../../src/complaints/complaint.entity';
import { User } from '../../src/users/user.entity';
import { bearer, cityByCode, seedFacility, seedFacilityAdmin, seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/test-app';
import { createTestApp, TestApp } from '../support/test-app';
import { codeOn, completeWebLogin, csrfOf, Jar } from '../support/web-client';

/** Server-rendered pages over HTTP: CSRF, session cookies and their end, headers, redirects. */


describe('web pages over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '1000' } });
  });
  afterAll(async () => t?.close());

  async function formPage(jar: Jar, path: string) {
    const res = jar.take(await t.http().get(path).set('cookie', jar.header()));
    expect(res.status).toBe(200);
    return csrfOf(res.text);
  }

  it('refuses a form post without a valid CSRF token and creates nothing', async () => {
    const { city } = await cityByCode(t, 'BKH');
    const before = await t.db.manager.count(Complaint);
    const body = { cityId: String(city.id), category: 'waiting_time', description: 'Ждали шесть часов.' };
    const noToken = await t.http().post('/complain').type('form').send(body);
    expect(noToken.status).toBe(403);
    expect(noToken.headers['content-type']).toContain('text/html');
    const jar = new Jar();
    await formPage(jar, '/complain');
    const wrong = await t.http().post('/complain').set('cookie', jar.header()).type('form').send({ ...body, _csrf: 'forged' });
    expect(wrong.status).toBe(403);
    expect(await t.db.manager.count(Complaint)).toBe(before);
    // With the token the same post goes through and redirects to the result page (PRG).
    const token = await formPage(jar, '/complain');
    const ok = jar.take(await t.http().post('/complain').set('cookie', jar.header()).type('form').send({ ...body, _csrf: token }));
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/complain/done');
    expect(await t.db.manager.count(Complaint)).toBe(before + 1);
    const done = jar.take(await t.http().get('/complain/done').set('cookie', jar.header()));
    expect(codeOn(done.text, 'reference')).toMatch(/^BKH-\d{2}-\d{4}$/);
  });

  it('staff sessions: HttpOnly, SameSite, signed; the session ends when the council term ends', async () => {
    // A term that ends the day after tomorrow.
    const now = t.clock.now().toISOString().slice(0, 10);
    const member = await seedMember(t, 'BKH', { termStart: addMonths(addDays(now, 2), -24), login: false });
    const jar = new Jar();
    const token = await formPage(jar, '/login');
    const res = jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ email: member.email, password: STAFF_PASSWORD, _csrf: token }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('kpac_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http in tests
    expect(cookie.split(';')[0].split('=')[1]).toMatch(/\.[A-Za-z0-9+/_-]+$/); // signed
    expect((await t.http().get('/staff').set('cookie', jar.header())).status).toBe(200);
    // A tampered cookie is no session.
    const tampered = jar.header().replace(/kpac_session=([^;]+)/, (_m, v: string) => `kpac_session=${v.slice(0, -3)}abc`);
    expect((await t.http().get('/staff').set('cookie', tampered)).headers.location).toMatch(/^\/login/);
    // Three days later the term is over: the page sends the member to the login page.
    t.clock.advanceDays(3);
    try {
      const after = await t.http().get('/staff').set('cookie', jar.header());
      expect(after.status).toBe(303);
      expect(after.headers.location).toMatch(/^\/login/);
    } finally {
      t.clock.advanceDays(-3);
    }
  });

  it('pages carry the strict CSP and no inline script or style; the JSON API is unchanged', async () => {
    for (const path of ['/', '/complain', '/track', '/feedback', '/login']) {
      const res = await t.http().get(path);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(res.text).not.toMatch(/\sstyle=/);
      expect(res.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // no external resources
    }
    const { city } = await cityByCode(t, 'DSH');
    const api = await t.http().post('/api/v1/public/complaints').send({ cityId: city.id, category: 'other', description: 'JSON still works' });
    expect(api.status).toBe(201);
    expect(api.body.reference).toMatch(/^DSH-/);
    expect((await t.http().get('/api/v1/complaints')).status).toBe(401);
  });

  it('language: cookie from the switch, then (staff pages) the account\'s, then Accept-Language, then Russian; no open redirect', async () => {
    expect((await t.http().get('/')).text).toContain('<html lang="ru">');
    expect((await t.http().get('/').set('accept-language', 'en-US,en;q=0.9')).text).toContain('<html lang="en">');
    expect((await t.http().get('/').set('accept-language', 'de, tg;q=0.5')).text).toContain('<html lang="tg">');
    const sw = await t.http().get('/lang/tg?next=/track');
    expect(sw.status).toBe(303);
    expect(sw.headers.location).toBe('/track');
    expect(String(sw.headers['set-cookie'])).toMatch(/lang=tg/);
    expect((await t.http().get('/').set('cookie', 'lang=en').set('accept-language', 'ru')).text).toContain('<html lang="en">');
    expect((await t.http().get('/lang/en?next=//evil.example')).headers.location).toBe('/');

    // Staff pages: the switch's cookie, then the account's language (as its e-mails), then the browser's.
    const member = await seedMember(t, 'DSH', { login: false });
    const jar = new Jar();
    const token = await formPage(jar, '/login');
    expect(jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ email: member.email, password: STAFF_PASSWORD, _csrf: token })).status).toBe(303);
    const staffLang = async (cookie = '') => (await t.http().get('/staff').set('cookie', jar.header() + cookie).set('accept-language', 'en')).text.match(/<html lang="(\w+)">/)?.[1];
    expect(await staffLang()).toBe('en');
    await t.db.transaction(({ em }) => em.update(User, { id: member.userId }, { language: 'tg' }));
    expect(await staffLang()).toBe('tg');
    expect(await staffLang('; lang=ru')).toBe('ru');
    expect((await t.http().get('/lang/en?next=https://evil.example')).headers.location).toBe('/');
  });

  it('the complaint page of another city answers 404; an unknown response link answers a 404 page', async () => {
    const bkh = await seedMember(t, 'BKH', { login: false });
    await seedFacility(t, 'BKH');
    const dsh = await seedMember(t, 'DSH', { login: false });
    const { city } = await cityByCode(t, 'BKH');
    const api = await t.http().post('/api/v1/public/complaints').send({ cityId: city.id, category: 'other', description: 'Бохтар' });
    const complaint = await t.db.manager.findOneOrFail(Complaint, { where: { reference: api.body.reference } });
    const loginAs = async (email: string) => {
      const jar = new Jar();
      const token = await formPage(jar, '/login');
      jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ email, password: STAFF_PASSWORD, _csrf: token }));
      return jar;
    };
    const own = await loginAs(bkh.email);
    expect((await t.http().get(`/staff/complaints/${complaint.id}`).set('cookie', own.header())).status).toBe(200);
    const other = await loginAs(dsh.email);
    const res = await t.http().get(`/staff/complaints/${complaint.id}`).set('cookie', other.header());
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(complaint.reference);
    expect((await t.http().get('/staff').set('cookie', other.header())).text).not.toContain(complaint.reference);
    // An unknown link token: a page, not JSON, and 404.
    const link = await t.http().get(`/respond/${'A'.repeat(43)}`);
    expect(link.status).toBe(404);
    expect(link.headers['content-type']).toContain('text/html');
  });

  async function loginAs(email: string, password = STAFF_PASSWORD) {
    const jar = new Jar();
    const token = await formPage(jar, '/login');
    const res = await completeWebLogin(t, jar, email, jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ email, password, _csrf: token })));
    expect(res.status).toBe(303);
    return jar;
  }

  it('a facility administrator sees only the escalations of their facility and answers one after login', async () => {
    const member = await seedMember(t, 'KHJ');
    const site = await seedFacility(t, 'KHJ', { name: 'TB dispensary Khujand' });
    const otherSite = await seedFacility(t, 'KHJ', { name: 'AIDS centre Khujand' });
    const fa = await seedFacilityAdmin(t, site.id);
    const { city } = await cityByCode(t, 'KHJ');
    const escalateTo = async (facilityId: number, summary: string) => {
      const c = await t.http().post('/api/v1/public/complaints').send({ cityId: city.id, category: 'staff_attitude', description: 'Грубость в регистратуре.' });
      const complaint = await t.db.manager.findOneOrFail(Complaint, { where: { reference: c.body.reference } });
      expect((await t.http().post(`/api/v1/complaints/${complaint.id}/triage`).set(bearer(member.token)).send({ decision: 'accept' })).status).toBe(200);
      const esc = await t.http().post(`/api/v1/complaints/${complaint.id}/escalations`).set(bearer(member.token)).send({ facilityId, summary });
      expect(esc.status).toBe(202);
      return { complaint, escalationId: esc.body.id as number };
    };
    const mine = await escalateTo(site.id, 'Registry staff were rude to a client on 2 March; please review.');
    await escalateTo(otherSite.id, 'A different facility summary that must stay hidden.');
    const jar = await loginAs(fa.email);
    const list = await t.http().get('/facility').set('cookie', jar.header());
    expect(list.status).toBe(200);
    expect(list.text).toContain(mine.complaint.reference);
    expect(list.text).not.toContain('must stay hidden');
    expect(list.text).not.toContain('Грубость в регистратуре'); // never the complainant's own words
    // An empty answer comes back with a message; a real one is stored.
    const token = csrfOf(list.text);
    const empty = await t.http().post(`/facility/escalations/${mine.escalationId}/respond`).set('cookie', jar.header()).type('form').send({ _csrf: token, response: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('field-error');
    const ok = await t.http().post(`/facility/escalations/${mine.escalationId}/respond`).set('cookie', jar.header()).type('form').send({ _csrf: token, response: 'Провели беседу с персоналом регистратуры.' });
    expect(ok.status).toBe(303);
    const after = await t.http().get(`/api/v1/complaints/${mine.complaint.id}`).set(bearer(member.token));
    expect(after.body.status).toBe('responded');
    // Council pages are not for facility administrators.
    expect((await t.http().get('/staff').set('cookie', jar.header())).status).toBe(403);
  });

  it('admin forms: a refused or invalid account form keeps its input (never the password)', async () => {
    const jar = await loginAs(ADMIN_EMAIL, ADMIN_PASSWORD);
    const token = await formPage(jar, '/admin/users');
    const bad = await t.http().post('/admin/users').set('cookie', jar.header()).type('form').send({ _csrf: token, email: 'not-an-email', password: 'secret-password-1', role: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="not-an-email"');
    expect(bad.text).not.toContain('secret-password-1');
    const good = await t.http().post('/admin/users').set('cookie', jar.header()).type('form').send({ _csrf: token, email: 'coordinator2@test.kpac', password: 'a-long-enough-password', role: 'admin' });
    expect(good.status).toBe(303);
    expect((await t.http().get('/admin/users').set('cookie', jar.header())).text).toContain('coordinator2@test.kpac');
    const { city } = await cityByCode(t, 'KLB');
    const fac = await t.http().post('/admin/facilities').set('cookie', jar.header()).type('form').send({ _csrf: token, name: 'Методон Кулоб', cityId: String(city.id), type: 'ost_site', contactEmails: 'ost@kulob.test', language: 'tg', slaDays: '7' });
    expect(fac.status).toBe(303);
    expect((await t.http().get('/admin/facilities').set('cookie', jar.header())).text).toContain('Методон Кулоб');
    // The queue dashboard linked from the admin menu accepts the web session; without it, 401.
    expect((await t.http().get('/admin/queues').set('cookie', jar.header())).status).toBe(200);
    expect((await t.http().get('/admin/queues')).status).toBe(401);
    const member = await seedMember(t, 'KLB', { login: false });
    const memberJar = await loginAs(member.email);
    expect((await t.http().get('/admin/queues').set('cookie', memberJar.header())).status).toBe(401);
  });

  it('revealing contact details takes a POST with a warning, shows them once and is audited', async () => {
    const member = await seedMember(t, 'KLB', { login: false });
    const { city } = await cityByCode(t, 'KLB');
    const c = await t.http().post('/api/v1/public/complaints').send({
      cityId: city.id,
      category: 'confidentiality_breach',
      description: 'Медсестра рассказала соседям о моём статусе.',
      contact: { phone: '+992 90 555 1234' },
      consents: { mayContact: true, discloseIdentityToFacility: false },
    });
    const complaint = await t.db.manager.findOneOrFail(Complaint, { where: { reference: c.body.reference } });
    const jar = await loginAs(member.email);
    const page = await t.http().get(`/staff/complaints/${complaint.id}`).set('cookie', jar.header());
    expect(page.text).not.toContain('555 1234');
    expect(page.text).toContain('class="warning"');
    const before = await t.db.manager.count(AuditEvent, { where: { action: 'complaint.contact_reveal', entityId: String(complaint.id) } });
    const shown = await t.http().post(`/staff/complaints/${complaint.id}/contact`).set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(page.text) });
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('+992 90 555 1234');
    expect(await t.db.manager.count(AuditEvent, { where: { action: 'complaint.contact_reveal', entityId: String(complaint.id) } })).toBe(before + 1);
    // Reloading the complaint does not show them again.
    expect((await t.http().get(`/staff/complaints/${complaint.id}`).set('cookie', jar.header())).text).not.toContain('555 1234');
  });
});
