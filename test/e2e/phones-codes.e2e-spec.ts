import { Complaint } from '../../src/complaints/complaint.entity';
import { Escalation } from '../../src/escalations/escalation.entity';
import { bearer, cityByCode, seedFacility, seedMember, SeededMember, STAFF_PASSWORD } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { codeOn, csrfOf, Jar, webLogin } from '../support/web-client';

/** Cyrillic twins of Latin letters, as a Russian or Tajik keyboard types them. */
const CYRILLIC: Record<string, string> = { A: 'А', B: 'В', E: 'Е', K: 'К', M: 'М', H: 'Н', O: 'О', P: 'Р', C: 'С', T: 'Т', X: 'Х' };
const asCyrillic = (s: string) => s.replace(/[ABEKMHOPCTX]/g, (ch) => CYRILLIC[ch]);

/**
 * Issue 13, items 1–3: codes that survive people, outcomes in words, forms that keep what was
 * typed — through the whole app, as the pages and the API answer them.
 */
describe('codes, outcomes in words and forms that keep what was typed', () => {
  let t: TestApp;
  let member: SeededMember;
  let cityId: number;
  let facilityId: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '1000' } });
    member = await seedMember(t, 'BKH');
    cityId = (await cityByCode(t, 'BKH')).city.id;
    facilityId = (await seedFacility(t, 'BKH', { name: 'Метадон Бохтар' })).id;
  });
  afterAll(async () => t?.close());

  const submit = async (extra: Record<string, unknown> = {}) =>
    (
      await t
        .http()
        .post('/api/v1/public/complaints')
        .send({ cityId, facilityId, category: 'opening_hours', description: 'The site closes at noon; I cannot come before work.', ...extra })
        .expect(201)
    ).body as { reference: string; trackingCode: string };
  const idOf = async (reference: string) => (await t.db.manager.findOneByOrFail(Complaint, { reference })).id;
  const accept = async (id: number) => t.http().post(`/api/v1/complaints/${id}/triage`).set(bearer(member.token)).send({ decision: 'accept' }).expect(200);

  /** A form post with a fresh CSRF token from the form's page, in English unless told. */
  async function post(jar: Jar, path: string, body: Record<string, unknown>, from = path, lang = 'en') {
    const page = jar.take(await t.http().get(from).set('cookie', jar.header()).set('accept-language', lang));
    expect(page.status).toBe(200);
    return jar.take(await t.http().post(path).set('cookie', jar.header()).set('accept-language', lang).type('form').send({ ...body, _csrf: csrfOf(page.text) }));
  }
  const get = async (jar: Jar, path: string, lang = 'en') => jar.take(await t.http().get(path).set('cookie', jar.header()).set('accept-language', lang));

  describe('codes that survive people', () => {
    it('the API finds a complaint typed in Cyrillic look-alikes, lower case, with spaces, dots or O for 0', async () => {
      const { reference, trackingCode } = await submit();
      const cyrRef = asCyrillic(reference);
      expect(cyrRef).not.toBe(reference); // BKH → ВКН: nothing Latin left in the letters
      const variants: [string, string][] = [
        [cyrRef, asCyrillic(trackingCode)],
        [cyrRef.toLowerCase(), asCyrillic(trackingCode).toLowerCase()],
        [reference.replace(/-/g, ' '), trackingCode.replace(/-/g, '  ')],
        [reference.replace(/-/g, '.').replace(/0/g, 'O'), trackingCode.replace(/-/g, ' – ').replace(/0/g, 'o').replace(/1/g, 'l')],
        [reference.replace(/-/g, ''), trackingCode.replace(/-/g, '')],
      ];
      for (const [ref, code] of variants) {
        const res = await t.http().post('/api/v1/public/complaints/track').send({ reference: ref, trackingCode: code });
        expect({ ref, code, status: res.status }).toEqual({ ref, code, status: 200 });
        expect(res.body.reference).toBe(reference);
      }
      // What cannot be a reference is refused with the expected shape, not "not found".
      const bad = await t.http().post('/api/v1/public/complaints/track').send({ reference: 'BKH-26', trackingCode }).expect(400);
      expect(JSON.stringify(bad.body)).toContain('reference looks like BKH-26-0042');
    });

    it('the page finds a Cyrillic-typed reference and code and shows the reference as written', async () => {
      const { reference, trackingCode } = await submit();
      const jar = new Jar();
      const res = await post(jar, '/track', { reference: asCyrillic(reference).toLowerCase(), trackingCode: asCyrillic(trackingCode).replace(/-/g, ' ') });
      expect(res.status).toBe(303);
      const page = await get(jar, '/track');
      expect(page.text).toContain(`<dd class="ref">${reference}</dd>`);

      const wrong = await post(new Jar(), '/track', { reference: 'BKH 26', trackingCode });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('three letters, two digits and four digits, for example BKH-26-0042');
      expect(wrong.text).toContain('href="#reference"');
    });

    it('confirming works with a Cyrillic-typed reference too', async () => {
      const { reference, trackingCode } = await submit();
      const id = await idOf(reference);
      await accept(id);
      await t.http().post(`/api/v1/complaints/${id}/resolution`).set(bearer(member.token)).send({ outcome: 'resolved_positive' }).expect(200);
      const res = await t.http().post('/api/v1/public/complaints/confirm').send({ reference: asCyrillic(reference), trackingCode: asCyrillic(trackingCode).toLowerCase(), resolvedForMe: true }).expect(200);
      expect(res.body.complainantVerified).toBe(true);
    });

    it('the done page shows the code again on a reload, each group unbreakable, and offers a print view', async () => {
      const jar = new Jar();
      const sent = await post(jar, '/complain', { cityId: String(cityId), category: 'waiting_time', description: 'Ждали шесть часов у окна.' });
      expect(sent.status).toBe(303);
      const first = await get(jar, '/complain/done');
      const code = codeOn(first.text, 'tracking-code');
      expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
      // Four groups, each its own unbreakable span; a line may break only after a dash.
      const groups = [...first.text.matchAll(/<span class="grp">([^<]*)<\/span><wbr>/g)].map((m) => m[1]);
      expect(groups).toEqual(expect.arrayContaining(code.split('-').map((g, i, all) => (i < all.length - 1 ? `${g}-` : g))));
      const css = (await t.http().get('/assets/app.css').expect(200)).text;
      expect(css).toContain('.code .grp{white-space:nowrap}');
      expect(css).not.toMatch(/\.code\{[^}]*break-all/);

      t.clock.advanceMs(10 * 60_000);
      const reload = await get(jar, '/complain/done');
      expect(codeOn(reload.text, 'tracking-code')).toBe(code);
      expect(reload.text).toContain('href="/complain/done?view=print"');
      const print = await get(jar, '/complain/done?view=print');
      expect(print.status).toBe(200);
      expect(codeOn(print.text, 'tracking-code')).toBe(code);
      expect(print.text).toContain('Save as PDF');
      expect(print.text).toContain('data-print');
      expect(css).toMatch(/@media print\{[^@]*\.top,\.foot/);
      // Another device (no cookie) never sees it.
      const other = await get(new Jar(), '/complain/done?view=print');
      expect(other.status).toBe(303);
    });
  });

  describe('outcomes in words', () => {
    it('the public note is stored, answered by the tracking API and shown on /track above the question; the facility’s answer never', async () => {
      const { reference, trackingCode } = await submit();
      const id = await idOf(reference);
      await accept(id);
      const esc = await t.http().post(`/api/v1/complaints/${id}/escalations`).set(bearer(member.token)).send({ facilityId, summary: 'A service user reports the site closes at noon.' }).expect(202);
      await t.db.manager.update(Escalation, { id: esc.body.id }, { response: 'FACILITY-ANSWER we asked the nurse to stay', responseState: 'responded', respondedAt: t.clock.now() });

      const note = 'The clinic now opens until 14:00 on weekdays.';
      const resolved = await t
        .http()
        .post(`/api/v1/complaints/${id}/resolution`)
        .set(bearer(member.token))
        .send({ outcome: 'resolved_positive', note: 'INTERNAL-NOTE spoke to the head doctor', publicNote: `  ${note}  ` })
        .expect(200);
      expect(resolved.body.outcomePublicNote).toBe(note);

      const tracked = await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode }).expect(200);
      expect(tracked.body.outcomePublicNote).toBe(note);
      expect(JSON.stringify(tracked.body)).not.toContain('FACILITY-ANSWER');
      expect(JSON.stringify(tracked.body)).not.toContain('INTERNAL-NOTE');

      const jar = new Jar();
      expect((await post(jar, '/track', { reference, trackingCode })).status).toBe(303);
      const page = await get(jar, '/track');
      expect(page.text).toContain(note);
      expect(page.text.indexOf('id="public-note"')).toBeGreaterThan(-1);
      expect(page.text.indexOf('id="public-note"')).toBeLessThan(page.text.indexOf('action="/track/confirm"'));
      expect(page.text).not.toContain('FACILITY-ANSWER');
      expect(page.text).not.toContain('INTERNAL-NOTE');

      // Reopening clears it with the outcome: the words belonged to that outcome.
      const reopened = await t.http().post(`/api/v1/complaints/${id}/reopen`).set(bearer(member.token)).send({}).expect(200);
      expect(reopened.body.outcomePublicNote).toBeNull();
      expect((await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode }).expect(200)).body.outcomePublicNote).toBeNull();
    });

    it('a public note with the complainant’s contact is refused (422 on the API, next to the field on the page)', async () => {
      const { reference } = await submit({ contact: { phone: '+992 90 555 44 33' }, consents: { mayContact: true } });
      const id = await idOf(reference);
      await accept(id);
      const api = await t.http().post(`/api/v1/complaints/${id}/resolution`).set(bearer(member.token)).send({ outcome: 'resolved_positive', publicNote: 'Call 90-555-44-33 for the new hours' }).expect(422);
      expect(api.body.message).toContain("publicNote contains the complainant's contact details");
      expect((await t.db.manager.findOneByOrFail(Complaint, { id })).status).toBe('in_review');

      const staff = await webLogin(t, member.email, STAFF_PASSWORD);
      const form = await staff.get(`/staff/complaints/${id}`);
      expect(form.text).toContain('name="publicNote"');
      const version = form.text.match(/name="version" value="(\d+)"/)![1];
      const res = await staff.post(`/staff/complaints/${id}`, `/staff/complaints/${id}/resolve`, { outcome: 'resolved_positive', publicNote: 'Ring +992 90 555 44 33 please', version });
      expect(res.status).toBe(422);
      expect(res.text).toContain('id="publicNote-error"');
      expect(res.text).toContain('Ring +992 90 555 44 33 please'); // kept for correcting
      const ok = await staff.post(`/staff/complaints/${id}`, `/staff/complaints/${id}/resolve`, { outcome: 'resolved_positive', publicNote: 'The clinic now opens until 14:00.', version });
      expect(ok.status).toBe(303);
      expect((await t.db.manager.findOneByOrFail(Complaint, { id })).outcomePublicNote).toBe('The clinic now opens until 14:00.');
    });
  });

  describe('forms that keep what was typed', () => {
    it('the confirmation comment (and the answer) stays on the form when yes/no was not chosen', async () => {
      const { reference, trackingCode } = await submit();
      const id = await idOf(reference);
      await accept(id);
      await t.http().post(`/api/v1/complaints/${id}/resolution`).set(bearer(member.token)).send({ outcome: 'resolved_partial' }).expect(200);
      const jar = new Jar();
      await post(jar, '/track', { reference, trackingCode });
      const res = await post(jar, '/track/confirm', { comment: 'They open later now, but only on Mondays.' }, '/track');
      expect(res.status).toBe(400);
      expect(res.text).toContain('>They open later now, but only on Mondays.</textarea>');
      expect(res.text).toContain('href="#resolvedForMe-yes"');
      const tooLong = await post(jar, '/track/confirm', { resolvedForMe: 'no', comment: 'x'.repeat(2001) }, '/track');
      expect(tooLong.status).toBe(400);
      expect(tooLong.text).toContain('at most 2,000 characters');
      expect(tooLong.text).toMatch(/id="resolvedForMe-no" name="resolvedForMe" value="no" checked/);
    });

    it('the complaint form survives a language switch (a POST with the values, no JavaScript needed)', async () => {
      const jar = new Jar();
      const form = await get(jar, '/complain');
      expect(form.text).toContain('name="switchLang" value="tg"');
      const values = { cityId: String(cityId), category: 'waiting_time', description: 'Мы ждали шесть часов.', phone: '+992 90 111 22 33', mayContact: 'yes' };
      const res = await post(jar, '/complain', { ...values, switchLang: 'tg' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('<html lang="tg">');
      expect(res.text).toContain('>Мы ждали шесть часов.</textarea>');
      expect(res.text).toContain('value="+992 90 111 22 33"');
      expect(res.text).toMatch(/name="mayContact" value="yes" checked/);
      expect(res.text).not.toContain('error-summary');
      expect(jar.get('lang')).toBe('tg');
      expect(await t.db.manager.countBy(Complaint, { description: 'Мы ждали шесть часов.' })).toBe(0);
    });

    it('every error of a submission comes at once, listed as links, focused, saying what is expected', async () => {
      const elsewhere = await seedFacility(t, 'DSH', { name: 'Клиника Душанбе' });
      const future = new Date(t.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
      const res = await post(new Jar(), '/complain', {
        cityId: String(cityId),
        facilityId: String(elsewhere.id),
        description: 'x'.repeat(5001),
        incidentDate: future,
        phone: 'call me',
        email: 'not-an-address',
      });
      expect(res.status).toBe(400);
      const summary = res.text.match(/<div class="error-summary"[\s\S]*?<\/div>/)![0];
      expect(summary).toContain('tabindex="-1"');
      expect(summary).toContain('autofocus');
      for (const id of ['facilityId', 'category', 'description', 'incidentDate', 'phone', 'email']) expect(summary).toContain(`href="#${id}"`);
      expect(summary).toContain('at most 5,000 characters');
      expect(summary).toContain('digits, spaces and + only');
      expect(summary).toContain('like name@example.com');
      expect(summary).toContain('This service is not in the chosen city.');
      expect(summary).toContain('Enter a date that is not in the future.');
      // Russian and Tajik say the limit too, in their own number format.
      const ru = await post(new Jar(), '/complain', { cityId: String(cityId), category: 'waiting_time', description: 'x'.repeat(5001) }, '/complain', 'ru');
      expect(ru.text).toMatch(/не больше 5\s000 знаков/);
      const tg = await post(new Jar(), '/complain', { cityId: String(cityId), category: 'waiting_time', description: 'x'.repeat(5001) }, '/complain', 'tg');
      expect(tg.text).toMatch(/на зиёда аз 5\s000 аломат/);
    });

    it('a description without words is refused, on the page and by the API (400 naming the field)', async () => {
      const res = await post(new Jar(), '/complain', { cityId: String(cityId), category: 'waiting_time', description: '>' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="description-error"');
      expect(res.text).toContain('say in a few words what happened');
      const api = await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'waiting_time', description: '> 1 2 !!' }).expect(400);
      expect(JSON.stringify(api.body.message)).toContain('description must say what happened in words (at least 5 letters)');
      await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'waiting_time', description: 'Ждали' }).expect(201);
    });

    it('a phone without permission to contact gets a question, and the answer is applied', async () => {
      const description = `Contact question ${Date.now()}: nobody came to the window.`;
      const body = { cityId: String(cityId), category: 'waiting_time', description, phone: '+992 90 765 43 21' };
      const jar = new Jar();
      const asked = await post(jar, '/complain', body);
      expect(asked.status).toBe(200);
      expect(asked.text).toContain('id="consent-question"');
      expect(asked.text).toContain('href="#consent-question"');
      expect(asked.text).toContain('name="consentAnswer" value="allow"');
      expect(await t.db.manager.countBy(Complaint, { description })).toBe(0);
      const sent = await post(jar, '/complain', { ...body, consentAnswer: 'allow' });
      expect(sent.status).toBe(303);
      const saved = await t.db.manager.findOneByOrFail(Complaint, { description });
      expect(saved.mayContact).toBe(true);
      expect(saved.contactEnc).not.toBeNull();

      // "Do not keep my contact": sent without it.
      const d2 = `${description} (2)`;
      const removed = await post(new Jar(), '/complain', { ...body, description: d2, consentAnswer: 'remove' });
      expect(removed.status).toBe(303);
      expect(await t.db.manager.findOneByOrFail(Complaint, { description: d2 })).toMatchObject({ contactEnc: null, mayContact: false });
    });

    it('permission to contact with no contact gets a question; "send without a contact" sends it anonymously', async () => {
      const description = `Consent question ${Date.now()}: the nurse shouted at me.`;
      const body = { cityId: String(cityId), category: 'staff_attitude', description, mayContact: 'yes' };
      const asked = await post(new Jar(), '/complain', body);
      expect(asked.status).toBe(200);
      expect(asked.text).toContain('left no way to reach you');
      expect(asked.text).toContain('name="consentAnswer" value="anonymous"');
      expect(await t.db.manager.countBy(Complaint, { description })).toBe(0);
      const sent = await post(new Jar(), '/complain', { ...body, consentAnswer: 'anonymous' });
      expect(sent.status).toBe(303);
      expect(await t.db.manager.findOneByOrFail(Complaint, { description })).toMatchObject({ mayContact: false, contactEnc: null });
      // Filling in a contact instead settles it too.
      const d2 = `${description} (2)`;
      const withPhone = await post(new Jar(), '/complain', { ...body, description: d2, phone: '+992 90 000 11 22' });
      expect(withPhone.status).toBe(303);
    });
  });
});
