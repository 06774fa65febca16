import { bearer, cityByCode, seedFacility, seedFacilityAdmin, seedMember, SeededMember, SeededStaff } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/** A council member sees their own city only; anything else looks exactly like a missing record. */
describe('complaints: scoping by city', () => {
  let t: TestApp;
  let bokhtar: SeededMember;
  let dushanbe: SeededMember;
  let facilityAdmin: SeededStaff;
  let bkhCity: number;
  let complaintId: number;
  let reference: string;

  beforeAll(async () => {
    t = await createTestApp();
    bokhtar = await seedMember(t, 'BKH');
    dushanbe = await seedMember(t, 'DSH');
    bkhCity = (await cityByCode(t, 'BKH')).city.id;
    const facility = await seedFacility(t, 'BKH');
    facilityAdmin = await seedFacilityAdmin(t, facility.id);
    const sub = await t
      .http()
      .post('/api/v1/complaints')
      .set(bearer(bokhtar.token))
      .send({ cityId: bkhCity, facilityId: facility.id, category: 'waiting_time', description: 'Waited four hours', contact: { phone: '+992 90 000 0000' } })
      .expect(201);
    reference = sub.body.reference;
    const list = await t.http().get('/api/v1/complaints').set(bearer(bokhtar.token)).expect(200);
    complaintId = list.body.items.find((c: { reference: string }) => c.reference === reference).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const routes = (id: number): [string, string, Record<string, unknown>?][] => [
    ['get', `/api/v1/complaints/${id}`],
    ['post', `/api/v1/complaints/${id}/triage`, { decision: 'accept' }],
    ['post', `/api/v1/complaints/${id}/triage`, { decision: 'reject', reason: 'spam' }],
    ['post', `/api/v1/complaints/${id}/resolution`, { outcome: 'resolved_positive' }],
    ['post', `/api/v1/complaints/${id}/reopen`, {}],
    ['post', `/api/v1/complaints/${id}/contact/reveal`],
  ];

  const call = (method: string, path: string, token: string, body?: Record<string, unknown>) => {
    const req = method === 'get' ? t.http().get(path) : t.http().post(path);
    return req.set(bearer(token)).send(body ?? {});
  };

  it('a Dushanbe member gets the same 404 as for a missing complaint on every complaint route', async () => {
    const missingRoutes = routes(999999);
    for (const [i, [method, path, body]] of routes(complaintId).entries()) {
      const res = await call(method, path, dushanbe.token, body);
      const missing = await call(method, missingRoutes[i][1], dushanbe.token, body);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body).toEqual(missing.body);
    }
    // Nothing changed and nothing was revealed.
    const detail = await t.http().get(`/api/v1/complaints/${complaintId}`).set(bearer(bokhtar.token)).expect(200);
    expect(detail.body.status).toBe('received');
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toEqual(['submitted']);
  });

  it("a Dushanbe member's list never includes Bokhtar, even when filtered for it", async () => {
    const all = await t.http().get('/api/v1/complaints').set(bearer(dushanbe.token)).expect(200);
    expect(all.body.items).toEqual([]);
    const filtered = await t.http().get(`/api/v1/complaints?city=${bkhCity}`).set(bearer(dushanbe.token)).expect(200);
    expect(filtered.body).toEqual({ items: [], nextCursor: null });
    const own = await t.http().get(`/api/v1/complaints?city=${bkhCity}`).set(bearer(bokhtar.token)).expect(200);
    expect(own.body.items.map((c: { reference: string }) => c.reference)).toEqual([reference]);
    const admin = await t.http().get('/api/v1/complaints').set(bearer(t.adminToken)).expect(200);
    expect(admin.body.items.map((c: { reference: string }) => c.reference)).toContain(reference);
  });

  it('a Dushanbe member cannot enter a complaint for Bokhtar', async () => {
    const res = await t.http().post('/api/v1/complaints').set(bearer(dushanbe.token)).send({ cityId: bkhCity, category: 'other', description: 'x' }).expect(403);
    expect(res.body.message).toContain("council's city");
  });

  it('facility administrators use escalations, not the complaint routes', async () => {
    await t.http().get('/api/v1/complaints').set(bearer(facilityAdmin.token)).expect(403);
    for (const [method, path, body] of routes(complaintId)) {
      const res = await call(method, path, facilityAdmin.token, body);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    await t.http().post('/api/v1/complaints').set(bearer(facilityAdmin.token)).send({ cityId: bkhCity, category: 'other', description: 'x' }).expect(403);
  });

  it('refuses staff routes without a token', async () => {
    await t.http().get('/api/v1/complaints').expect(401);
    await t.http().get(`/api/v1/complaints/${complaintId}`).expect(401);
  });
});
