import { AuditEvent } from '../../src/audit/audit-event.entity';
import { bearer, cityByCode, seedFacility, seedFacilityAdmin, seedMember, SeededMember } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/** Councils, seats, terms and trainings over HTTP. The clock starts at 2026-03-02 09:00 UTC. */
describe('councils, members and terms (HTTP)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(t.adminToken);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A new city with its own council, so each test starts from empty seats. */
  async function newCouncil(code: string, body: Record<string, unknown> = {}): Promise<{ cityId: number; councilId: number; name: string }> {
    const city = await t.http().post('/api/v1/cities').set(admin).send({ name: `City ${code}`, code }).expect(201);
    const council = await t
      .http()
      .post('/api/v1/councils')
      .set(admin)
      .send({ cityId: city.body.id, ...body })
      .expect(201);
    return { cityId: city.body.id, councilId: council.body.id, name: council.body.name };
  }

  const addMember = (councilId: number, termStart: string, name = 'Test Person', constituency = 'plhiv') =>
    t.http().post(`/api/v1/councils/${councilId}/members`).set(admin).send({ name, constituency, termStart });

  it('documents the council and facility routes in OpenAPI', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    for (const path of ['/api/v1/cities', '/api/v1/councils/{id}', '/api/v1/councils/{id}/members', '/api/v1/members/{id}/end', '/api/v1/members/{id}/trainings', '/api/v1/facilities/{id}']) {
      expect(res.body.paths[path]).toBeDefined();
    }
  });

  describe('cities and councils', () => {
    it('lists the four seeded cities with their councils', async () => {
      const res = await t.http().get('/api/v1/cities').set(admin).expect(200);
      const codes = res.body.map((c: { code: string }) => c.code);
      expect(codes).toEqual(expect.arrayContaining(['BKH', 'DSH', 'KHJ', 'KLB']));
      expect(res.body.every((c: { councilId: number | null }) => typeof c.councilId === 'number')).toBe(true);
      const councils = await t.http().get('/api/v1/councils').set(admin).expect(200);
      const bokhtar = councils.body.find((c: { cityCode: string }) => c.cityCode === 'BKH');
      expect(bokhtar).toMatchObject({ cityName: 'Bokhtar', seats: 4, termMonths: 24 });
    });

    it('adds a city and its council with defaults, and refuses duplicates', async () => {
      const { cityId, councilId, name } = await newCouncil('IST');
      expect(name).toBe('KPAC City IST');
      const detail = await t.http().get(`/api/v1/councils/${councilId}`).set(admin).expect(200);
      expect(detail.body).toMatchObject({ cityId, seats: 4, termMonths: 24, seated: 0, vacancies: 4, seatHolders: [], nextSeatFreesOn: null });

      const dupCode = await t.http().post('/api/v1/cities').set(admin).send({ name: 'Other', code: 'IST' }).expect(409);
      expect(dupCode.body.message).toContain('IST');
      await t.http().post('/api/v1/cities').set(admin).send({ name: 'bokhtar', code: 'BKX' }).expect(409);
      const second = await t.http().post('/api/v1/councils').set(admin).send({ cityId }).expect(409);
      expect(second.body.message).toContain('already has a council');
      const noCity = await t.http().post('/api/v1/councils').set(admin).send({ cityId: 999_999 }).expect(400);
      expect(noCity.body.message).toContain('cityId 999999 does not exist');
    });

    it('answers concurrent duplicates with one 201 and 409s, never a 500', async () => {
      const cities = await Promise.all(Array.from({ length: 5 }, () => t.http().post('/api/v1/cities').set(admin).send({ name: 'Twin city', code: 'TWN' })));
      expect(cities.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      const cityId = cities.find((r) => r.status === 201)!.body.id;
      const councils = await Promise.all(Array.from({ length: 5 }, () => t.http().post('/api/v1/councils').set(admin).send({ cityId })));
      expect(councils.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    });

    it('validates city and council bodies field by field', async () => {
      const res = await t.http().post('/api/v1/cities').set(admin).send({ name: '', code: 'ab1' }).expect(400);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining('name'), expect.stringContaining('code must be three capital letters')]));
      const bad = await t.http().post('/api/v1/councils').set(admin).send({ cityId: 'x', seats: 0, termMonths: 500 }).expect(400);
      expect(bad.body.message).toEqual(
        expect.arrayContaining([expect.stringContaining('cityId'), expect.stringContaining('seats'), expect.stringContaining('termMonths')]),
      );
      await t.http().get('/api/v1/councils/99999999999').set(admin).expect(400);
      await t.http().get('/api/v1/councils/abc').set(admin).expect(400);
      await t.http().get('/api/v1/councils/999999').set(admin).expect(404);
    });
  });

  describe('seats and terms', () => {
    it('refuses a fifth overlapping term with 409 naming the council, the seats and when a seat frees; an early end frees it that day', async () => {
      const { councilId, name } = await newCouncil('SEA');
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await addMember(councilId, '2026-01-01', `Seat holder ${i}`).expect(201);
        expect(res.body.currentTerm).toMatchObject({ termStart: '2026-01-01', termEnd: '2028-01-01', endsOn: '2028-01-01', endedOn: null });
        expect(res.body.seated).toBe(true);
        ids.push(res.body.id);
      }
      const full = await addMember(councilId, '2026-03-01').expect(409);
      expect(full.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(full.body.message).toContain(name);
      expect(full.body.message).toContain('4 seats');
      expect(full.body.message).toContain('taken on 2026-03-01');
      expect(full.body.message).toContain('a seat frees on 2028-01-01');

      const ended = await t.http().post(`/api/v1/members/${ids[0]}/end`).set(admin).send({ reason: 'resigned', endedOn: '2026-06-01' }).expect(200);
      expect(ended.body.terms[0]).toMatchObject({ endedOn: '2026-06-01', endReason: 'resigned', endsOn: '2026-06-01' });

      const dayBefore = await addMember(councilId, '2026-05-31').expect(409);
      expect(dayBefore.body.message).toContain('a seat frees on 2026-06-01');
      const successor = await addMember(councilId, '2026-06-01', 'Successor').expect(201);
      expect(successor.body.currentTerm).toBeNull(); // starts in the future (today is 2026-03-02)
      expect(successor.body.terms[0]).toMatchObject({ termStart: '2026-06-01', termEnd: '2028-06-01' });

      const detail = await t.http().get(`/api/v1/councils/${councilId}`).set(admin).expect(200);
      expect(detail.body).toMatchObject({ seated: 4, vacancies: 0, nextSeatFreesOn: '2028-01-01' });
      expect(detail.body.upcomingTerms.map((h: { memberId: number }) => h.memberId)).toEqual([successor.body.id]);
      // No member name reaches the audit trail.
      const audit = await t.db.manager.find(AuditEvent, { where: { entity: 'term' } });
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['term.create', 'term.end']));
      expect(JSON.stringify(audit)).not.toContain('Seat holder');
      expect(JSON.stringify(audit)).not.toContain('Successor');
    });

    it('computes the term end from the council term length, clamping month ends', async () => {
      const { councilId } = await newCouncil('MON', { termMonths: 6 });
      const res = await addMember(councilId, '2025-08-31').expect(201);
      expect(res.body.terms[0]).toMatchObject({ termStart: '2025-08-31', termEnd: '2026-02-28' });
      const leap = await newCouncil('LEA', { termMonths: 24 });
      const l = await addMember(leap.councilId, '2024-02-29').expect(201);
      expect(l.body.terms[0].termEnd).toBe('2026-02-28');
    });

    it('never takes a term end from the client and validates dates and constituencies', async () => {
      const { councilId } = await newCouncil('VAL');
      const res = await t
        .http()
        .post(`/api/v1/councils/${councilId}/members`)
        .set(admin)
        .send({ name: 'X', constituency: 'students', termStart: '2026-02-30', termEnd: '2030-01-01' })
        .expect(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining([
          expect.stringContaining('constituency must be one of: plhiv, sex_workers, people_who_use_drugs'),
          expect.stringContaining('termStart must be a date written YYYY-MM-DD'),
          expect.stringContaining('termEnd should not exist'),
        ]),
      );
      await t.http().post(`/api/v1/councils/${councilId}/members`).set(admin).send({ name: '   ', constituency: 'plhiv', termStart: '2026-01-01' }).expect(400);
      await addMember(999_999, '2026-01-01').expect(404);
    });

    it('allows consecutive terms for the same person but not overlapping ones', async () => {
      const { councilId } = await newCouncil('CON');
      const m = await addMember(councilId, '2024-03-01', 'Renewing member', 'sex_workers').expect(201);
      const overlap = await t.http().post(`/api/v1/members/${m.body.id}/terms`).set(admin).send({ termStart: '2025-12-01' }).expect(409);
      expect(overlap.body.message).toContain('2026-03-01');
      const renewed = await t.http().post(`/api/v1/members/${m.body.id}/terms`).set(admin).send({ termStart: '2026-03-01' }).expect(201);
      expect(renewed.body.terms).toHaveLength(2);
      expect(renewed.body.terms[1]).toMatchObject({ termStart: '2026-03-01', termEnd: '2028-03-01', constituency: 'sex_workers' });
      // Today (2026-03-02) the member sits on the second term.
      expect(renewed.body.currentTerm.termStart).toBe('2026-03-01');

      // A renewal is seat-checked like any term: three others fill the council from 2026-06-01.
      for (let i = 0; i < 3; i++) await addMember(councilId, '2026-06-01').expect(201);
      // The fourth seat is the renewing member's, so a fifth person does not fit.
      const fifth = await addMember(councilId, '2026-06-01').expect(409);
      expect(fifth.body.message).toContain('taken on 2026-06-01');
    });

    it('ending a member cancels their planned later term and reports a member with no seat', async () => {
      const { councilId } = await newCouncil('END');
      const m = await addMember(councilId, '2025-01-01').expect(201);
      await t.http().post(`/api/v1/members/${m.body.id}/terms`).set(admin).send({ termStart: '2027-01-01' }).expect(201);
      const ended = await t.http().post(`/api/v1/members/${m.body.id}/end`).set(admin).send({ reason: 'removed', endedOn: '2026-04-15' }).expect(200);
      expect(ended.body.terms.map((x: { endsOn: string }) => x.endsOn)).toEqual(['2026-04-15', '2027-01-01']);
      expect(ended.body.terms[1]).toMatchObject({ endedOn: '2027-01-01', endReason: 'removed' });
      const again = await t.http().post(`/api/v1/members/${m.body.id}/end`).set(admin).send({ reason: 'removed', endedOn: '2026-05-01' }).expect(409);
      expect(again.body.message).toContain('holds no seat');
      const bad = await t.http().post(`/api/v1/members/${m.body.id}/end`).set(admin).send({ reason: 'retired', endedOn: 'soon' }).expect(400);
      expect(bad.body.message).toEqual(expect.arrayContaining([expect.stringContaining('reason must be one of: resigned, removed, deceased'), expect.stringContaining('endedOn')]));
      await t.http().post('/api/v1/members/999999/end').set(admin).send({ reason: 'removed', endedOn: '2026-05-01' }).expect(404);
    });

    it('reports vacancies and terms ending within 60 days', async () => {
      const { councilId } = await newCouncil('VAC');
      const a = await addMember(councilId, '2024-04-15', 'Ending soon').expect(201); // ends 2026-04-15: 44 days after 2026-03-02
      await addMember(councilId, '2024-06-01', 'Ending later').expect(201); // ends 2026-06-01: 91 days
      const detail = await t.http().get(`/api/v1/councils/${councilId}`).set(admin).expect(200);
      expect(detail.body).toMatchObject({ today: '2026-03-02', seated: 2, vacancies: 2, endingSoon: 1, nextSeatFreesOn: null });
      expect(detail.body.termsEndingSoon).toEqual([expect.objectContaining({ memberId: a.body.id, endsOn: '2026-04-15', daysLeft: 44 })]);
      const summary = (await t.http().get('/api/v1/councils').set(admin).expect(200)).body.find((c: { id: number }) => c.id === councilId);
      expect(summary).toMatchObject({ seated: 2, vacancies: 2, endingSoon: 1 });
    });

    it('reduces seats only while the seated terms still fit', async () => {
      const { councilId, name } = await newCouncil('RED');
      for (let i = 0; i < 3; i++) await addMember(councilId, '2026-01-01').expect(201);
      const refused = await t.http().patch(`/api/v1/councils/${councilId}`).set(admin).send({ seats: 2 }).expect(409);
      expect(refused.body.message).toContain(name);
      const ok = await t.http().patch(`/api/v1/councils/${councilId}`).set(admin).send({ seats: 3, termMonths: 36 }).expect(200);
      expect(ok.body).toMatchObject({ seats: 3, termMonths: 36, vacancies: 0 });
      const next = await addMember(councilId, '2028-01-01').expect(201);
      expect(next.body.terms[0].termEnd).toBe('2031-01-01');
    });

    it('lets exactly `seats` of many concurrent requests take a seat', async () => {
      const { councilId } = await newCouncil('RAC');
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => addMember(councilId, '2026-01-01', `Racer ${i}`)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(4).fill(201), ...Array(6).fill(409)]);
      const members = await t.http().get(`/api/v1/councils/${councilId}/members`).set(admin).expect(200);
      expect(members.body).toHaveLength(4);
    });
  });

  describe('trainings', () => {
    it('records trainings per member and validates them', async () => {
      const { councilId } = await newCouncil('TRN');
      const m = await addMember(councilId, '2026-01-01').expect(201);
      const tr = await t.http().post(`/api/v1/members/${m.body.id}/trainings`).set(admin).send({ topic: 'REAct documentation', date: '2026-02-10' }).expect(201);
      expect(tr.body).toMatchObject({ memberId: m.body.id, topic: 'REAct documentation', date: '2026-02-10' });
      const got = await t.http().get(`/api/v1/members/${m.body.id}`).set(admin).expect(200);
      expect(got.body.trainings).toEqual([{ id: tr.body.id, topic: 'REAct documentation', date: '2026-02-10' }]);
      const list = await t.http().get(`/api/v1/councils/${councilId}/members`).set(admin).expect(200);
      expect(list.body[0].trainings).toHaveLength(1);
      await t.http().post(`/api/v1/members/${m.body.id}/trainings`).set(admin).send({ topic: '', date: '2026-13-01' }).expect(400);
      await t.http().post('/api/v1/members/999999/trainings').set(admin).send({ topic: 'x', date: '2026-01-01' }).expect(404);
      const audit = await t.db.manager.find(AuditEvent, { where: { action: 'training.create' } });
      expect(JSON.stringify(audit)).not.toContain('REAct documentation');
    });
  });

  describe('scope', () => {
    let bkh: SeededMember;
    let dshCouncilId: number;
    let dshMemberId: number;
    beforeAll(async () => {
      bkh = await seedMember(t, 'BKH');
      dshCouncilId = (await cityByCode(t, 'DSH')).council.id;
      dshMemberId = (await seedMember(t, 'DSH', { login: false })).memberId;
    });

    it('a council member reads their own council and nothing of another', async () => {
      const auth = bearer(bkh.token);
      const list = await t.http().get('/api/v1/councils').set(auth).expect(200);
      expect(list.body.map((c: { id: number }) => c.id)).toEqual([bkh.councilId]);
      const cities = await t.http().get('/api/v1/cities').set(auth).expect(200);
      expect(cities.body.map((c: { id: number }) => c.id)).toEqual([bkh.cityId]);
      await t.http().get(`/api/v1/councils/${bkh.councilId}`).set(auth).expect(200);
      const members = await t.http().get(`/api/v1/councils/${bkh.councilId}/members`).set(auth).expect(200);
      expect(members.body.map((m: { id: number }) => m.id)).toContain(bkh.memberId);
      await t.http().get(`/api/v1/members/${bkh.memberId}`).set(auth).expect(200);

      const other = await t.http().get(`/api/v1/councils/${dshCouncilId}`).set(auth).expect(404);
      expect(other.body.message).toBe('Council not found');
      await t.http().get(`/api/v1/councils/${dshCouncilId}/members`).set(auth).expect(404);
      await t.http().get(`/api/v1/members/${dshMemberId}`).set(auth).expect(404);
      await t.http().post(`/api/v1/councils/${bkh.councilId}/members`).set(auth).send({ name: 'X', constituency: 'plhiv', termStart: '2026-01-01' }).expect(403);
      await t.http().post(`/api/v1/members/${bkh.memberId}/end`).set(auth).send({ reason: 'resigned', endedOn: '2026-04-01' }).expect(403);
    });

    it('a facility admin has no access to councils', async () => {
      const facility = await seedFacility(t, 'BKH');
      const fa = await seedFacilityAdmin(t, facility.id);
      await t.http().get('/api/v1/councils').set(bearer(fa.token)).expect(403);
      await t.http().get('/api/v1/cities').set(bearer(fa.token)).expect(403);
    });

    it('access ends the day the term ends, and ending a term early ends it too', async () => {
      // Term from 2024-03-01 ends 2026-03-01: it ended yesterday.
      const expired = await seedMember(t, 'KHJ', { termStart: '2024-03-01', login: false });
      const login = await t.http().post('/api/v1/auth/login').send({ email: expired.email, password: 'staff-password-for-tests' }).expect(401);
      expect(login.body.message).not.toContain('term'); // same answer as a wrong password

      const active = await seedMember(t, 'KHJ', { termStart: '2024-03-03' }); // ends 2026-03-03
      await t.http().get(`/api/v1/councils/${active.councilId}`).set(bearer(active.token)).expect(200);
      t.clock.advanceDays(1); // 2026-03-03: first day off the seat
      const off = await t.http().get(`/api/v1/councils/${active.councilId}`).set(bearer(active.token));
      expect([401, 403]).toContain(off.status);
      t.clock.advanceDays(-1);

      const resigning = await seedMember(t, 'KLB');
      await t.http().get('/api/v1/councils').set(bearer(resigning.token)).expect(200);
      await t.http().post(`/api/v1/members/${resigning.memberId}/end`).set(admin).send({ reason: 'resigned', endedOn: '2026-03-02' }).expect(200);
      const after = await t.http().get('/api/v1/councils').set(bearer(resigning.token));
      expect([401, 403]).toContain(after.status);
    });
  });
});
