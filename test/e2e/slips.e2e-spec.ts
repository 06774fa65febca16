import { readFileSync } from 'node:fs';
import { IsNull } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Complaint } from '../../src/complaints/complaint.entity';
import { Slip } from '../../src/complaints/slip.entity';
import { bearer, cityByCode, seedFacility, seedMember, SeededMember } from '../support/fixtures';
import { pdfText, ReadSlip, slipLinks } from '../support/slip-pdf-reader';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, sweepsOf, TestApp, usePostgres } from '../support/test-app';
import { webLogin } from '../support/web-client';

const REF_RE = /BKH-26-\d{4}/g;
const CODE_RE = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/g;

/**
 * Issue 15, item 1: complaint-box slips. A batch is printed as a PDF whose codes exist nowhere
 * else; staff intake binds a complaint to a slip, which then answers to the code on the tear-off.
 */
describe('complaint-box slips', () => {
  let t: TestApp;
  let member: SeededMember;
  let dshMember: SeededMember;
  let cityId: number;
  let dshCityId: number;
  let facilityId: number;
  let pdf: Buffer;
  let slips: ReadSlip[];

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T09:00:00Z' });
    member = await seedMember(t, 'BKH');
    dshMember = await seedMember(t, 'DSH');
    cityId = member.cityId;
    dshCityId = dshMember.cityId;
    facilityId = (await seedFacility(t, 'BKH', { name: 'Метадон Бохтар' })).id;
  });
  afterAll(async () => t?.close());

  const print = (token: string, body: Record<string, unknown>) =>
    t
      .http()
      .post('/api/v1/slips')
      .set(bearer(token))
      .send(body)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
  const enter = (token: string, body: Record<string, unknown>) =>
    t
      .http()
      .post('/api/v1/complaints')
      .set(bearer(token))
      .send({ cityId, category: 'staff_attitude', description: 'Written on a slip: the nurse shouted at me in the queue.', ...body });
  const track = (reference: string, trackingCode: string) => t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode });

  it('prints a batch of 8 as an A4 PDF download, four slips a page, in Tajik and Russian with the chosen language first', async () => {
    const res = await print(member.token, { cityId, facilityId, count: 8, language: 'en' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="slips-[0-9a-f]{8}\.pdf"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const { text, pages } = await pdfText(pdf);
    expect(pages).toBe(2);
    const references = [...new Set(text.match(REF_RE))];
    const codes = [...new Set(text.match(CODE_RE))];
    expect(references).toHaveLength(8);
    expect(codes).toHaveLength(8);
    // Consecutive numbers from the city's counter.
    const numbers = references.map((r) => Number(r.slice(-4))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => numbers[0] + i));
    // The chosen language, then Tajik (with its own letters) and Russian; the facility's name.
    expect(text).toContain('KEEP THIS PART');
    expect(text).toContain('Шумо чӣ тағйир додан мехоҳед?');
    expect(text).toMatch(/Қисми болоиро бо рамз канда/);
    expect(text).toContain('Оторвите верхнюю часть с кодом');
    expect(text).toContain('Метадон Бохтар');
    expect(text).toContain(`${t.config.publicUrl}/track`);
    expect(text).toContain('2027-03-02');

    // Each slip's QR link opens /track with its own reference and code.
    slips = slipLinks(pdf);
    expect(slips.map((s) => s.reference).sort()).toEqual([...references].sort());
    expect(slips.map((s) => s.code).sort()).toEqual([...codes].sort());
    for (const s of slips) expect(s.url).toBe(`${t.config.publicUrl}/track?reference=${s.reference}&code=${s.code}`);
  });

  it('stores the references and keyed hashes only; the codes are nowhere but in the PDF', async () => {
    const rows = await t.db.manager.find(Slip, { where: { cityId } });
    expect(rows.map((r) => r.reference).sort()).toEqual(slips.map((s) => s.reference).sort());
    for (const r of rows) {
      expect(r.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r).toMatchObject({ facilityId, usedAt: null, complaintId: null, issuedBy: member.userId });
      expect(r.expiresAt.getTime()).toBeGreaterThan(new Date('2027-03-02T00:00:00Z').getTime());
    }
    const audit = await t.db.manager.find(AuditEvent, { where: { action: 'slips.issue' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: member.userId, entity: 'slip_batch' });
    expect(audit[0].details).toMatchObject({ cityId, facilityId, count: 8, language: 'en' });
    const stored = JSON.stringify(audit) + JSON.stringify(rows) + t.logs.text();
    const dbFile = usePostgres ? '' : readFileSync((t.config.database as { path: string }).path).toString('latin1');
    for (const s of slips) {
      expect(stored).not.toContain(s.code);
      expect(stored).not.toContain(s.code.replace(/-/g, ''));
      if (dbFile) expect(dbFile).not.toContain(s.code.replace(/-/g, ''));
    }
  });

  it('enters two slips through staff intake; each complaint answers to the code on its tear-off', async () => {
    for (const s of slips.slice(0, 2)) {
      const res = await enter(member.token, { facilityId, slipReference: s.reference.toLowerCase().replace(/-/g, ' ') }).expect(201);
      expect(res.body).toEqual({ id: expect.any(Number), reference: s.reference, trackingCode: null });
      const tracked = await track(s.reference, s.code).expect(200);
      expect(tracked.body).toMatchObject({ reference: s.reference, status: 'received' });
      const slip = await t.db.manager.findOneByOrFail(Slip, { reference: s.reference });
      expect(slip.complaintId).toBe(res.body.id);
      expect(slip.usedAt).not.toBeNull();
    }
    // An unused slip's code opens nothing: there is no complaint yet.
    await track(slips[2].reference, slips[2].code).expect(404);
    // The counter moved on past the batch: the next ordinary complaint takes a fresh number.
    const plain = await enter(member.token, {}).expect(201);
    expect(slips.map((s) => s.reference)).not.toContain(plain.body.reference);
    expect(plain.body.trackingCode).toMatch(CODE_RE);
  });

  it('counts complaints, not slips, in the statistics', async () => {
    const complaints = await t.db.manager.count(Complaint, { where: { cityId } });
    expect(complaints).toBe(3);
    const stats = await t.http().get(`/api/v1/stats/resolution?city=${cityId}&from=2026-03-01&to=2026-03-31`).set(bearer(t.adminToken)).expect(200);
    expect(stats.body.overall.received).toBe(3);
  });

  it('refuses a reused slip (409), an unknown or another city\'s slip (404), and reports it on the field', async () => {
    const reused = await enter(member.token, { slipReference: slips[0].reference }).expect(409);
    expect(reused.body.message).toMatch(/already entered/);
    await enter(member.token, { slipReference: 'BKH-26-9999' }).expect(404);
    const dshPdf = (await print(dshMember.token, { cityId: dshCityId, count: 1, language: 'tg' }).expect(200)).body as Buffer;
    const [dshSlip] = slipLinks(dshPdf);
    expect(dshSlip.reference).toMatch(/^DSH-26-\d{4}$/);
    // A BKH member entering a Dushanbe slip for their city, and an admin entering it for the wrong city.
    await enter(member.token, { slipReference: dshSlip.reference }).expect(404);
    await enter(t.adminToken, { cityId, slipReference: dshSlip.reference }).expect(404);
    await enter(t.adminToken, { cityId: dshCityId, slipReference: dshSlip.reference }).expect(201);
    await enter(member.token, { slipReference: 'not a number' }).expect(400);
  });

  it('refuses a member printing for a city they do not serve (404), and bad batches (400)', async () => {
    const other = await print(dshMember.token, { cityId, count: 4, language: 'ru' }).expect(404);
    expect(JSON.parse(other.body.toString()).message).toMatch(/City not found/);
    await print(t.adminToken, { cityId: 999_999, count: 4, language: 'ru' }).expect(404);
    for (const count of [0, 501, 2.5]) await print(member.token, { cityId, count, language: 'ru' }).expect(400);
    await print(member.token, { cityId, count: 4, language: 'de' }).expect(400);
    const dshFacility = await seedFacility(t, 'DSH', { name: 'Dushanbe clinic' });
    await print(member.token, { cityId, facilityId: dshFacility.id, count: 4, language: 'ru' }).expect(400);
    expect(await t.db.manager.count(AuditEvent, { where: { action: 'slips.issue' } })).toBe(2);
  });

  it('on the staff intake page: the slip number binds the complaint, and the done page says the slip\'s code applies', async () => {
    const web = await webLogin(t, member.email, 'staff-password-for-tests');
    const s = slips[3];
    const res = await web.post('/staff/intake', '/staff/intake', {
      channel: 'paper_form',
      category: 'staff_attitude',
      description: 'Written on a slip: the pharmacy refused my prescription.',
      slipReference: s.reference,
    });
    expect(res.status).toBe(303);
    const done = await web.get('/staff/intake/done');
    expect(done.status).toBe(200);
    expect(done.text).toContain(s.reference);
    expect(done.text).toContain('id="slip-code-note"');
    expect(done.text).not.toContain('id="tracking-code"');
    expect(done.text).not.toMatch(CODE_RE);
    await track(s.reference, s.code).expect(200);

    const again = await web.post('/staff/intake', '/staff/intake', { channel: 'paper_form', category: 'staff_attitude', description: 'Written on a slip: same slip again.', slipReference: s.reference });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Этот бланк уже внесён. Один бланк — одна жалоба.');
    expect(again.text).toContain('same slip again');
  });

  it('prints from the staff page: a member for their own city, an admin for the city chosen', async () => {
    const web = await webLogin(t, member.email, 'staff-password-for-tests');
    const page = await web.get('/staff/slips');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/staff/slips"');
    expect(page.text).not.toContain('name="cityId"');
    const asPdf = (res: { body: unknown; text?: string }) => (Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.text ?? '', 'latin1'));
    // The city the form says is ignored for a member: their own city, always.
    const res = await web.post('/staff/slips', '/staff/slips', { cityId: String(dshCityId), facilityId: String(facilityId), count: '4', language: 'tg' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="slips-[0-9a-f]{8}\.pdf"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const printed = slipLinks(asPdf(res));
    expect(printed).toHaveLength(4);
    for (const p of printed) expect(p.reference).toMatch(/^BKH-26-/);

    const bad = await web.post('/staff/slips', '/staff/slips', { facilityId: '', count: '501', language: 'ru' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Укажите целое число от 1 до 500.');
    expect(bad.text).toContain('value="501"');

    const admin = await webLogin(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect((await admin.get('/staff/slips')).text).toContain('name="cityId"');
    const forDsh = await admin.post('/staff/slips', '/staff/slips', { cityId: String(dshCityId), facilityId: '', count: '1', language: 'ru' });
    expect(forDsh.status).toBe(200);
    expect(slipLinks(asPdf(forDsh))[0].reference).toMatch(/^DSH-26-/);
  });

  it('the QR link only fills the tracking form in: GET looks nothing up', async () => {
    const s = slips[0];
    const page = await t.http().get(new URL(s.url).pathname + new URL(s.url).search).set('accept-language', 'en').expect(200);
    expect(page.text).toContain(`name="reference" autocomplete="off" autocapitalize="characters" required value="${s.reference}"`);
    expect(page.text).toContain(`value="${s.code}"`);
    expect(page.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/track/)]));
    expect(page.text).not.toContain('class="ref"');
    // The code in the link stays out of the logs and out of any Referer the page sends.
    expect(t.logs.text()).not.toContain(s.code);
    expect(page.headers['referrer-policy']).toMatch(/no-referrer|same-origin/);
  });

  it('refuses an expired slip (409) once its validity has passed', async () => {
    // A year on, sessions have ended: the coordinator logs in again at each instant.
    t.clock.set('2027-03-02T12:00:00+05:00');
    await enter(await t.login(ADMIN_EMAIL, ADMIN_PASSWORD), { slipReference: slips[4].reference }).expect(201);
    t.clock.set('2027-03-03T00:00:01+05:00');
    const expired = await enter(await t.login(ADMIN_EMAIL, ADMIN_PASSWORD), { slipReference: slips[5].reference, receivedAt: '2027-03-02' }).expect(409);
    expect(expired.body.message).toMatch(/expired/);
    expect(await t.db.manager.findOneByOrFail(Slip, { reference: slips[5].reference })).toMatchObject({ usedAt: null, complaintId: null });
  });

  it('the retention sweep deletes expired unused slips and keeps the used ones', async () => {
    const before = await t.db.manager.find(Slip, { where: { cityId } });
    expect(before.filter((r) => !r.usedAt).length).toBeGreaterThan(0);
    await sweepsOf(t).run();
    const after = await t.db.manager.find(Slip, { where: { cityId } });
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.usedAt !== null && r.complaintId !== null)).toBe(true);
    expect(after.map((r) => r.reference).sort()).toEqual(before.filter((r) => r.usedAt).map((r) => r.reference).sort());
    const purge = await t.db.manager.findOneByOrFail(AuditEvent, { action: 'slips.purge_expired' });
    const left = await t.db.manager.count(Slip);
    expect(await t.db.manager.count(Slip, { where: { usedAt: IsNull() } })).toBe(0);
    expect(purge.details).toEqual({ count: expect.any(Number) });
    expect(purge.details!.count).toBeGreaterThanOrEqual(before.length - after.length);
    expect(left).toBeGreaterThan(0);
  });
});
