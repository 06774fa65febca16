import { cityByCode, seedFacility } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

describe('public feedback and the facility list', () => {
  let t: TestApp;
  let cityId: number;
  let facilityId: number;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-04-01T02:00:00Z' });
    cityId = (await cityByCode(t, 'DSH')).city.id;
    facilityId = (await seedFacility(t, 'DSH', { name: 'AIDS centre', type: 'aids_centre' })).id;
    await seedFacility(t, 'BKH', { name: 'Elsewhere' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the facilities of a city', async () => {
    const res = await t.http().get(`/api/v1/public/facilities?city=${cityId}`).expect(200);
    expect(res.body).toEqual([{ id: facilityId, name: 'AIDS centre', type: 'aids_centre' }]);
    const cities = await t.http().get('/api/v1/public/cities').expect(200);
    expect(cities.body.map((c: { code: string }) => c.code).sort()).toEqual(['BKH', 'DSH', 'KHJ', 'KLB']);
  });

  it('explains a missing or unknown city', async () => {
    expect((await t.http().get('/api/v1/public/facilities').expect(400)).body.message).toEqual([expect.stringContaining('city must be the id of a city')]);
    expect((await t.http().get('/api/v1/public/facilities?city=9999').expect(400)).body.message).toContain('city must be the id of a city');
  });

  it('stores a rating with the quarter in the configured time zone', async () => {
    // 02:00 UTC on 1 April is 07:00 in Dushanbe: the second quarter there.
    const ratings = { waitingTime: 2, staffAttitude: 5, openingHours: 1, confidentiality: 4, overall: 3 };
    await t.http().post('/api/v1/public/feedback').send({ facilityId, ratings, comment: 'Kind nurses, closes too early' }).expect(201);
    const rows = await t.db.manager.query('SELECT * FROM feedback');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ facility_id: facilityId, waiting_time: 2, staff_attitude: 5, opening_hours: 1, confidentiality: 4, overall: 3, quarter: '2026-Q2' });
  });

  it('refuses ratings outside 1–5 and unknown facilities', async () => {
    const res = await t.http().post('/api/v1/public/feedback').send({ facilityId, ratings: { waitingTime: 0, staffAttitude: 6, openingHours: 3, confidentiality: 3 } }).expect(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([expect.stringContaining('ratings.waitingTime'), expect.stringContaining('ratings.staffAttitude'), expect.stringContaining('ratings.overall')]),
    );
    const ratings = { waitingTime: 3, staffAttitude: 3, openingHours: 3, confidentiality: 3, overall: 3 };
    expect((await t.http().post('/api/v1/public/feedback').send({ facilityId: 999999, ratings }).expect(400)).body.message).toContain('facilityId');
  });
});
