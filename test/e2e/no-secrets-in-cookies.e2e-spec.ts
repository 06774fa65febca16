import { cityByCode, seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { codeOn, csrfOf, Jar } from '../support/web-client';

/**
 * Issue 11, item 7: the tracking code is in no cookie (not even signed-but-readable); the done
 * page shows it again on a reload for 15 minutes, on that device only; cookies are Secure in
 * production even on a plain-http PUBLIC_URL.
 */
describe('no secrets in readable cookies (issue 11, item 7)', () => {
  let t: TestApp;
  let cityId: number;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '1000' } });
    cityId = (await cityByCode(t, 'BKH')).city.id;
  });
  afterAll(async () => t?.close());

  /** Every cookie value and every Set-Cookie line, decoded as far as a reader could (URL, base64 parts). */
  const cookieText = (jar: Jar) => {
    const decoded = jar.seen.flatMap((line) => {
      const value = decodeURIComponent(line.split(';')[0].split('=').slice(1).join('='));
      return [line, value, ...value.split(/[.:]/).map((part) => Buffer.from(part, 'base64').toString('latin1'))];
    });
    return decoded.join('\n');
  };
  const codeVariants = (code: string) => [code, code.replace(/-/g, '')];

  async function submitOnTheWeb(jar: Jar) {
    const form = jar.take(await t.http().get('/complain').set('cookie', jar.header()));
    const res = jar.take(
      await t.http().post('/complain').set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(form.text), cityId: String(cityId), category: 'waiting_time', description: 'Ждали шесть часов у окна.' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/complain/done');
    const done = jar.take(await t.http().get('/complain/done').set('cookie', jar.header()));
    expect(done.status).toBe(200);
    const reference = codeOn(done.text, 'reference');
    const trackingCode = codeOn(done.text, 'tracking-code');
    return { reference, trackingCode, done };
  }

  it('the done page keeps the code out of every cookie, shows it again on reload, and only on this device', async () => {
    const jar = new Jar();
    const { reference, trackingCode, done } = await submitOnTheWeb(jar);
    expect(done.headers['cache-control']).toBe('no-store');
    for (const v of codeVariants(trackingCode)) expect(cookieText(jar)).not.toContain(v);
    expect(cookieText(jar)).not.toContain(reference);
    const doneCookie = jar.seen.find((c) => c.startsWith('kpac_done='))!;
    expect(doneCookie).toMatch(/HttpOnly/);
    expect(doneCookie).toMatch(/SameSite=Strict/);
    expect(doneCookie).toMatch(/Path=\/complain\/done/);
    expect(doneCookie).toMatch(/Max-Age=900/);

    // A reload (cheap phones reload tabs) shows the same codes.
    for (let i = 0; i < 3; i++) {
      const again = jar.take(await t.http().get('/complain/done').set('cookie', jar.header()));
      expect(again.status).toBe(200);
      expect(codeOn(again.text, 'tracking-code')).toBe(trackingCode);
    }
    // Another device (no cookie, or a made-up one) sees nothing.
    const other = await t.http().get('/complain/done');
    expect(other.status).toBe(303);
    expect(other.headers.location).toBe('/track');
    const forged = await t.http().get('/complain/done').set('cookie', `kpac_done=${'A'.repeat(43)}`);
    expect(forged.status).toBe(303);

    // The code is in clear in no table either.
    const handoffs = JSON.stringify(await t.db.manager.query('SELECT * FROM page_handoffs'));
    for (const v of codeVariants(trackingCode)) expect(handoffs).not.toContain(v);
    expect(handoffs).not.toContain(reference);
  });

  it('the done page dies after 15 minutes, and its record is purged', async () => {
    const jar = new Jar();
    const { trackingCode } = await submitOnTheWeb(jar);
    t.clock.advanceMs(14 * 60_000);
    expect(codeOn((await t.http().get('/complain/done').set('cookie', jar.header())).text, 'tracking-code')).toBe(trackingCode);
    t.clock.advanceMs(60_000 + 1);
    const gone = await t.http().get('/complain/done').set('cookie', jar.header());
    expect(gone.status).toBe(303);
    expect(gone.headers.location).toBe('/track');
    // The next record written purges every expired one.
    await submitOnTheWeb(new Jar());
    const left = await t.db.manager.query('SELECT expires_at FROM page_handoffs');
    expect(left.every((r: { expires_at: string | number }) => Number(r.expires_at) > t.clock.now().getTime())).toBe(true);
  });

  it('the tracking result keeps the code server-side too, and survives a reload', async () => {
    const api = (await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'other', description: 'Очередь с утра.' }).expect(201)).body;
    const jar = new Jar();
    const page = jar.take(await t.http().get('/track'));
    const posted = jar.take(await t.http().post('/track').set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(page.text), reference: api.reference, trackingCode: api.trackingCode }));
    expect(posted.status).toBe(303);
    for (let i = 0; i < 2; i++) {
      const shown = jar.take(await t.http().get('/track').set('cookie', jar.header()));
      expect(shown.status).toBe(200);
      expect(shown.text).toContain(api.reference);
    }
    for (const v of codeVariants(api.trackingCode)) expect(cookieText(jar)).not.toContain(v);
    expect(cookieText(jar)).not.toContain(api.reference);
    expect(jar.seen.find((c) => c.startsWith('kpac_track='))).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/);
  });

  it('the staff intake page keeps the code out of cookies, for the member who entered it only', async () => {
    const member = await seedMember(t, 'BKH', { login: false });
    const jar = new Jar();
    const login = jar.take(await t.http().get('/login'));
    jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(login.text), email: member.email, password: STAFF_PASSWORD }));
    const form = jar.take(await t.http().get('/staff/intake').set('cookie', jar.header()));
    expect(form.status).toBe(200);
    const res = jar.take(
      await t.http().post('/staff/intake').set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(form.text), channel: 'hotline', category: 'waiting_time', description: 'Позвонила на горячую линию.' }),
    );
    expect(res.status).toBe(303);
    const done = jar.take(await t.http().get('/staff/intake/done').set('cookie', jar.header()));
    expect(done.status).toBe(200);
    const trackingCode = codeOn(done.text, 'tracking-code');
    for (const v of codeVariants(trackingCode)) expect(cookieText(jar)).not.toContain(v);
    expect(codeOn((await t.http().get('/staff/intake/done').set('cookie', jar.header())).text, 'tracking-code')).toBe(trackingCode);

    // Another member on the same browser (the intake cookie left behind) does not see it.
    const other = await seedMember(t, 'BKH', { login: false });
    const intake = jar.values().get('kpac_intake_done')!;
    const otherJar = new Jar();
    const otherLogin = otherJar.take(await t.http().get('/login'));
    otherJar.take(await t.http().post('/login').set('cookie', otherJar.header()).type('form').send({ _csrf: csrfOf(otherLogin.text), email: other.email, password: STAFF_PASSWORD }));
    const theirs = await t.http().get('/staff/intake/done').set('cookie', `${otherJar.header()}; kpac_intake_done=${intake}`);
    expect(theirs.status).toBe(303);
  });

  describe('in production on a plain-http PUBLIC_URL', () => {
    let prod: TestApp;
    beforeAll(async () => {
      prod = await createTestApp({ env: { NODE_ENV: 'production', PUBLIC_URL: 'http://kpac.test', PUBLIC_RATE_LIMIT: '1000' } });
    });
    afterAll(async () => prod?.close());

    it('every cookie is Secure', async () => {
      const jar = new Jar();
      const city = (await cityByCode(prod, 'BKH')).city.id;
      const form = jar.take(await prod.http().get('/complain'));
      jar.take(await prod.http().post('/complain').set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(form.text), cityId: String(city), category: 'other', description: 'Проверка.' }));
      jar.take(await prod.http().get('/lang/tg?next=/'));
      const login = jar.take(await prod.http().get('/login'));
      const member = await seedMember(prod, 'BKH', { login: false });
      jar.take(await prod.http().post('/login').set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(login.text), email: member.email, password: STAFF_PASSWORD }));
      const names = new Set(jar.seen.map((c) => c.split('=')[0]));
      for (const name of ['kpac_csrf', 'kpac_done', 'lang', 'kpac_session']) expect(names).toContain(name);
      for (const c of jar.seen) expect([c.split('=')[0], /;\s*Secure/i.test(c)]).toEqual([c.split('=')[0], true]);
    });
  });

  it('a plain-http development start sends cookies without Secure, so it still works', async () => {
    const jar = new Jar();
    jar.take(await t.http().get('/complain'));
    expect(jar.seen.length).toBeGreaterThan(0);
    for (const c of jar.seen) expect(c).not.toMatch(/;\s*Secure/i);
  });
});
