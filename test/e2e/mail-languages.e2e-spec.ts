import { Escalation } from '../../src/escalations/escalation.entity';
import { givenComplaint, linkToken } from '../support/escalation-fixtures';
import { bearer, seedFacility, seedMember, SeededMember } from '../support/fixtures';
import { TestSmtp } from '../support/smtp';
import { csrfOf, Jar, webLogin } from '../support/web-client';
import { User } from '../../src/users/user.entity';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, sweepsOf, TestApp } from '../support/test-app';

/**
 * What a facility and a council read, per language: a greeting that inflects no name, the
 * facility's name in the nominative after a colon, the city in the reader's script, the date as
 * the reader writes it, no doubled full stop; members get notices in their account's language.
 */
describe('mail languages (real SMTP)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let member: SeededMember;

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    // 09:00 UTC on 2 December; ten days to respond: due 12 December 2026.
    t = await createTestApp({ now: '2026-12-02T09:00:00Z', env: { SMTP_URL: smtp.url, MAIL_FROM: 'KPAC tracker <no-reply@kpac.test>' } });
    member = await seedMember(t, 'BKH');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const escalateTo = async (language: 'tg' | 'ru' | 'en', name: string) => {
    const facility = await seedFacility(t, 'BKH', { language, name, slaDays: 10, contactEmails: [`${language}@site.test`] });
    const complaint = await givenComplaint(t, 'BKH');
    const res = await t.http().post(`/api/v1/complaints/${complaint.id}/escalations`).set(bearer(member.token)).send({ facilityId: facility.id, summary: 'The site closes at noon.' }).expect(202);
    await smtp.waitFor(() => smtp.byMessageId(`esc-${res.body.id}-initial`).length === 1);
    return { mail: smtp.byMessageId(`esc-${res.body.id}-initial`)[0], escId: res.body.id as number, complaint };
  };

  it.each([
    ['ru', 'Пункт заместительной терапии №1', 'Коллеги,', 'Учреждение: Пункт заместительной терапии №1', 'Совет ключевых групп (г. Бохтар)', 'до 12 декабря 2026 г.'],
    ['tg', 'Маркази саломатии №2', 'Ҳамкорони муҳтарам,', 'Муассиса: Маркази саломатии №2', 'Шӯрои машваратии гурӯҳҳои калидии шаҳри Бохтар', 'то 12 декабри 2026 ҷавоб диҳед'],
    ['en', 'Harm Reduction Site 3', 'Dear colleagues,', 'Facility: Harm Reduction Site 3', 'Key Population Advisory Council of Bokhtar', 'by 12 December 2026.'],
  ] as const)('%s: greeting, facility in the nominative, city in the reader\'s script, date in the reader\'s words', async (lang, name, greeting, facilityLine, council, due) => {
    const { mail } = await escalateTo(lang, name);
    const lines = mail.text.split('\n');
    expect(lines[0]).toBe(greeting);
    expect(lines[2]).toBe(facilityLine);
    expect(mail.text).toContain(council);
    expect(mail.text).toContain(due);
    expect(mail.subject).toContain(council);
    if (lang !== 'en') expect(mail.raw).not.toContain('Bokhtar');
    expect(mail.text).not.toMatch(/\.\.(?!\.)|г\.\.|  |\d{4}-\d{2}-\d{2}/);
    expect(mail.text).not.toContain('KPAC');
  });

  it("members' notices come in each account's language: the city's usual one (Tajik in Bokhtar) unless the account chose another", async () => {
    const english = await seedMember(t, 'BKH');
    await t.http().patch(`/api/v1/users/${english.userId}`).set(bearer(t.adminToken)).send({ language: 'en' }).expect(200);
    const shown = await t.http().get('/api/v1/users').set(bearer(t.adminToken)).expect(200);
    expect(shown.body.find((u: { id: number }) => u.id === english.userId).language).toBe('en');
    expect(shown.body.find((u: { id: number }) => u.id === member.userId).language).toBeNull();
    await t.http().patch(`/api/v1/users/${english.userId}`).set(bearer(t.adminToken)).send({ language: 'fr' }).expect(400);

    const { escId } = await escalateTo('tg', 'Маркази саломатии №5');
    const token = linkToken(smtp.byMessageId(`esc-${escId}-initial`)[0].text);
    await t.http().post('/api/v1/escalations/respond').send({ token, response: 'Аз душанбе то соати 14:00 кушода аст.' }).expect(200);
    await smtp.waitFor(() => smtp.byMessageId(`esc-${escId}-council-responded`).length === 2);
    const notices = smtp.byMessageId(`esc-${escId}-council-responded`);
    const tg = notices.find((m) => m.to.includes(member.email))!;
    const en = notices.find((m) => m.to.includes(english.email))!;
    expect(tg.to).not.toContain(english.email);
    expect(tg.text).toContain('Муассиса: Маркази саломатии №5');
    expect(en.text).toContain('Facility: Маркази саломатии №5');
    expect(en.messageId).toBe(`<esc-${escId}-council-responded-en@kpac.test>`);
    expect(await t.db.manager.findOneByOrFail(Escalation, { id: escId })).toMatchObject({ responseState: 'responded' });
  });

  it('ru: a date ending in "г." before a full stop keeps one dot (reminder)', async () => {
    const { escId } = await escalateTo('ru', 'Поликлиника №4');
    t.clock.advanceDays(6);
    await sweepsOf(t).run();
    await smtp.waitFor(() => smtp.byMessageId(`esc-${escId}-reminder1`).length === 1);
    const reminder = smtp.byMessageId(`esc-${escId}-reminder1`)[0];
    expect(reminder.text).toContain('Срок ответа: 12 декабря 2026 г.\n');
    expect(reminder.text).not.toContain('г..');
  });

  it('the facility pages stay in the language of the e-mail: the link, the thank-you page, the used link', async () => {
    const { mail } = await escalateTo('tg', 'Маркази саломатии №6');
    const token = linkToken(mail.text);
    const jar = new Jar();
    // A Russian browser: the facility's Tajik still wins, as the e-mail was Tajik.
    const page = jar.take(await t.http().get(`/respond/${token}`).set('accept-language', 'ru').expect(200));
    expect(page.text).toContain('<html lang="tg"');
    const posted = jar.take(
      await t.http().post(`/respond/${token}`).set('cookie', jar.header()).set('accept-language', 'ru').type('form').send({ response: 'Аз душанбе то соати 14:00 кушода аст.', _csrf: csrfOf(page.text) }),
    );
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('/respond/thanks?lang=tg');
    const thanks = await t.http().get(posted.headers.location).set('cookie', jar.header()).set('accept-language', 'ru').expect(200);
    expect(thanks.text).toContain('<html lang="tg"');
    const used = await t.http().get(`/respond/${token}`).set('accept-language', 'ru').expect(410);
    expect(used.text).toContain('<html lang="tg"');
  });

  it("the admin's new-account form offers the notification language (empty: the council city's usual one)", async () => {
    const admin = await webLogin(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    const form = await admin.get('/admin/users');
    expect(form.text).toContain('<select id="u-language" name="language">');
    const extra = await seedMember(t, 'KHJ', { login: false });
    await t.db.manager.delete(User, { id: extra.userId });
    const res = await admin.post('/admin/users', '/admin/users', { email: 'russian.member@test.kpac', password: 'long-enough-password', role: 'kpac_member', memberId: String(extra.memberId), language: 'ru' });
    expect(res.status).toBe(303);
    expect((await t.db.manager.findOneByOrFail(User, { email: 'russian.member@test.kpac' })).language).toBe('ru');
    const bad = await admin.post('/admin/users', '/admin/users', { email: 'odd.member@test.kpac', password: 'long-enough-password', role: 'kpac_member', memberId: String(extra.memberId), language: 'xx' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="language-error"');

    // And for an account that exists: set, then back to the city's usual one (null).
    const changed = await admin.post('/admin/users', '/admin/users/language', { userId: String(member.userId), language: 'en' });
    expect(changed.status).toBe(303);
    expect((await t.db.manager.findOneByOrFail(User, { id: member.userId })).language).toBe('en');
    const back = await admin.post('/admin/users', '/admin/users/language', { userId: String(member.userId), language: '' });
    expect(back.status).toBe(303);
    expect((await t.db.manager.findOneByOrFail(User, { id: member.userId })).language).toBeNull();
    expect((await admin.post('/admin/users', '/admin/users/language', { userId: String(member.userId), language: 'fr' })).status).toBe(400);
    // A member's session survives a change of language (it changes no access).
    await t.http().get('/api/v1/complaints').set(bearer(member.token)).expect(200);
  });

  it('ru facility page: the due date ends in one dot ("до 12 дек. 2026 г."), never "г.."', async () => {
    const { mail } = await escalateTo('ru', 'Поликлиника №7');
    const page = await t.http().get(`/respond/${linkToken(mail.text)}`).expect(200);
    // Escalated after the reminder test moved the clock on: due ten days from then.
    expect(page.text).toMatch(/Ответьте, пожалуйста, до \d{1,2} дек\. 2026 г\.<\/p>/);
    expect(page.text).not.toContain('г..');
  });
});
