import { AuditEvent } from '../../src/audit/audit-event.entity';
import { bearer, cityByCode, seedFacility, seedFacilityAdmin, seedMember } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

describe('facilities and the escalation ladder (HTTP)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let bkhId: number;
  let dshId: number;
  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(t.adminToken);
    bkhId = (await cityByCode(t, 'BKH')).city.id;
    dshId = (await cityByCode(t, 'DSH')).city.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (body: Record<string, unknown>) => t.http().post('/api/v1/facilities').set(admin).send(body);
  const patch = (id: number, body: Record<string, unknown>) => t.http().patch(`/api/v1/facilities/${id}`).set(admin).send(body);
  const authority = async (name: string, parentId?: number) =>
    (await create({ name, cityId: dshId, type: 'authority', contactEmails: [`${name.replace(/\W/g, '').toLowerCase()}@gov.test`], language: 'tg', parentId }).expect(201)).body;

  it('registers a facility with its ladder, defaults and normalised contacts', async () => {
    const ombudsman = await authority('Ombudsman');
    const rac = await authority('Republican AIDS Centre', ombudsman.id);
    const site = await create({
      name: 'Bokhtar OST site',
      cityId: bkhId,
      type: 'ost_site',
      contactEmails: ['Head@Site.test', 'head@site.test', 'deputy@site.test'],
      language: 'ru',
      parentId: rac.id,
    }).expect(201);
    expect(site.body).toMatchObject({
      name: 'Bokhtar OST site',
      cityId: bkhId,
      type: 'ost_site',
      contactEmails: ['head@site.test', 'deputy@site.test'],
      language: 'ru',
      slaDays: 10,
      parentId: rac.id,
    });
    expect(site.body.ladder.map((r: { id: number }) => r.id)).toEqual([rac.id, ombudsman.id]);
    const got = await t.http().get(`/api/v1/facilities/${site.body.id}`).set(admin).expect(200);
    expect(got.body.ladder).toEqual([
      expect.objectContaining({ id: rac.id, type: 'authority', language: 'tg', slaDays: 10 }),
      expect.objectContaining({ id: ombudsman.id }),
    ]);
    const audit = await t.db.manager.find(AuditEvent, { where: { entity: 'facility', entityId: String(site.body.id) } });
    expect(audit).toEqual([expect.objectContaining({ action: 'facility.create', details: { cityId: bkhId, type: 'ost_site', parentId: rac.id } })]);
    expect(JSON.stringify(audit)).not.toContain('site.test');
  });

  it('validates each field and the parent', async () => {
    const res = await create({ name: 'X', cityId: 0, type: 'pharmacy', contactEmails: ['not-an-email'], language: 'fr', slaDays: 0, extra: true }).expect(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        expect.stringContaining('name'),
        expect.stringContaining('cityId'),
        expect.stringContaining('type must be one of'),
        expect.stringContaining('contactEmails must hold e-mail addresses'),
        expect.stringContaining('language must be one of: tg, ru, en'),
        expect.stringContaining('slaDays'),
        expect.stringContaining('extra should not exist'),
      ]),
    );
    const base = { name: 'Clinic', cityId: bkhId, type: 'clinic', contactEmails: [], language: 'tg' };
    expect((await create({ ...base, cityId: 999_999 }).expect(400)).body.message).toContain('cityId 999999 does not exist');
    expect((await create({ ...base, parentId: 999_999 }).expect(400)).body.message).toContain('parentId 999999 does not exist');
    const site = await seedFacility(t, 'BKH', { type: 'ost_site' });
    const notAuthority = await create({ ...base, parentId: site.id }).expect(400);
    expect(notAuthority.body.message).toContain('must be a facility of type authority');
    await create({ ...base, parentId: 99_999_999_999 }).expect(400);
    await t.http().get('/api/v1/facilities/99999999999').set(admin).expect(400);
    await t.http().get('/api/v1/facilities/999999').set(admin).expect(404);
    await patch(999_999, { slaDays: 5 }).expect(404);
  });

  it('refuses a ladder with a cycle', async () => {
    const a = await authority('City health department');
    const b = await authority('Regional health department', a.id);
    const c = await authority('Ministry of Health', b.id);
    const loop = await patch(a.id, { parentId: c.id }).expect(409);
    expect(loop.body.message).toContain('would loop');
    expect(loop.body.message).toContain('City health department → Ministry of Health → Regional health department → City health department');
    const self = await patch(a.id, { parentId: a.id }).expect(409);
    expect(self.body.message).toContain('would loop');
    // Nothing changed.
    expect((await t.http().get(`/api/v1/facilities/${a.id}`).set(admin).expect(200)).body.parentId).toBeNull();
  });

  it('edits a facility, moves it on the ladder and takes it off', async () => {
    const top = await authority('Health inspectorate');
    const site = await seedFacility(t, 'BKH', { type: 'tb_facility', slaDays: 10 });
    const moved = await patch(site.id, { parentId: top.id, slaDays: 14, language: 'en', contactEmails: ['new@tb.test'], cityId: dshId }).expect(200);
    expect(moved.body).toMatchObject({ parentId: top.id, slaDays: 14, language: 'en', contactEmails: ['new@tb.test'], cityId: dshId });
    expect(moved.body.ladder.map((r: { id: number }) => r.id)).toEqual([top.id]);
    const off = await patch(site.id, { parentId: null }).expect(200);
    expect(off.body).toMatchObject({ parentId: null, ladder: [] });
    const audit = await t.db.manager.find(AuditEvent, { where: { action: 'facility.update', entityId: String(site.id) }, order: { id: 'ASC' } });
    expect(audit.map((a) => a.details?.changed)).toEqual([['cityId', 'contactEmails', 'language', 'slaDays', 'parentId'], ['parentId']]);
  });

  it('keeps an authority an authority while facilities escalate to it', async () => {
    const top = await authority('AIDS centre administration');
    const site = await seedFacility(t, 'BKH', { parentId: top.id });
    const refused = await patch(top.id, { type: 'hospital' }).expect(409);
    expect(refused.body.message).toContain('1 facilities escalate to');
    await patch(site.id, { parentId: null }).expect(200);
    await patch(top.id, { type: 'hospital' }).expect(200);
  });

  it('two concurrent edits cannot close a loop between them', async () => {
    const results: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await authority(`Race A${i}`);
      const b = await authority(`Race B${i}`);
      const [ra, rb] = await Promise.all([patch(a.id, { parentId: b.id }), patch(b.id, { parentId: a.id })]);
      results.push(ra.status, rb.status);
      expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    }
    expect(results.filter((s) => s === 200)).toHaveLength(5);
  });

  describe('scope', () => {
    it('council members see their city and every authority; facility admins see their own facility', async () => {
      const bkhSite = await seedFacility(t, 'BKH', { name: 'Scope BKH site' });
      const dshSite = await seedFacility(t, 'DSH', { name: 'Scope DSH site' });
      const natAuthority = await seedFacility(t, 'DSH', { name: 'Scope national authority', type: 'authority' });
      const member = await seedMember(t, 'BKH');
      const fa = await seedFacilityAdmin(t, dshSite.id);

      const mine = await t.http().get('/api/v1/facilities').set(bearer(member.token)).expect(200);
      const ids = mine.body.map((f: { id: number }) => f.id);
      expect(ids).toEqual(expect.arrayContaining([bkhSite.id, natAuthority.id]));
      expect(ids).not.toContain(dshSite.id);
      expect(mine.body.every((f: { cityId: number; type: string }) => f.cityId === bkhId || f.type === 'authority')).toBe(true);
      await t.http().get(`/api/v1/facilities/${bkhSite.id}`).set(bearer(member.token)).expect(200);
      await t.http().get(`/api/v1/facilities/${natAuthority.id}`).set(bearer(member.token)).expect(200);
      const hidden = await t.http().get(`/api/v1/facilities/${dshSite.id}`).set(bearer(member.token)).expect(404);
      expect(hidden.body.message).toBe('Facility not found');

      const own = await t.http().get('/api/v1/facilities').set(bearer(fa.token)).expect(200);
      expect(own.body.map((f: { id: number }) => f.id)).toEqual([dshSite.id]);
      await t.http().get(`/api/v1/facilities/${dshSite.id}`).set(bearer(fa.token)).expect(200);
      await t.http().get(`/api/v1/facilities/${bkhSite.id}`).set(bearer(fa.token)).expect(404);

      await t.http().post('/api/v1/facilities').set(bearer(member.token)).send({}).expect(403);
      await t.http().patch(`/api/v1/facilities/${dshSite.id}`).set(bearer(fa.token)).send({ slaDays: 30 }).expect(403);
    });

    it('filters by city and type', async () => {
      const res = await t.http().get(`/api/v1/facilities?city=${dshId}&type=authority`).set(admin).expect(200);
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.body.every((f: { cityId: number; type: string }) => f.cityId === dshId && f.type === 'authority')).toBe(true);
      await t.http().get('/api/v1/facilities?city=abc').set(admin).expect(400);
      await t.http().get('/api/v1/facilities?type=spa').set(admin).expect(400);
    });
  });
});
