import { bearer, cityByCode, seedFacility, seedMember, SeededMember } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

describe('complaints: staff intake, workflow rules and the triage list', () => {
  let t: TestApp;
  let member: SeededMember;
  let cityId: number;
  let otherCityFacility: number;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T09:00:00Z' });
    member = await seedMember(t, 'KLB');
    cityId = (await cityByCode(t, 'KLB')).city.id;
    otherCityFacility = (await seedFacility(t, 'DSH')).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const enter = (body: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/api/v1/complaints')
      .set(bearer(member.token))
      .send({ cityId, category: 'denial_of_service', description: 'Refused a test', ...body });
  const post = (id: number, action: string, body: Record<string, unknown>) =>
    t.http().post(`/api/v1/complaints/${id}/${action}`).set(bearer(member.token)).send(body);
  const detail = async (id: number) => (await t.http().get(`/api/v1/complaints/${id}`).set(bearer(member.token)).expect(200)).body;

  describe('staff intake', () => {
    it('defaults to paper_form, stores the key populations and backdates receivedAt to that day', async () => {
      const res = await enter({ receivedAt: '2025-12-30', keyPopulations: ['sex_worker', 'migrant'], incidentDate: '2025-12-20' }).expect(201);
      expect(res.body.reference).toMatch(/^KLB-25-\d{4}$/);
      const c = await detail(res.body.id);
      expect(c).toMatchObject({ channel: 'paper_form', receivedQuarter: '2025-Q4', keyPopulations: ['sex_worker', 'migrant'], createdBy: member.userId });
      // Midnight in Asia/Dushanbe (UTC+5).
      expect(c.receivedAt).toBe('2025-12-29T19:00:00.000Z');
      const kp = await t.db.manager.query(`SELECT key_population FROM complaint_key_populations WHERE complaint_id = ${Number(res.body.id)} ORDER BY key_population`);
      expect(kp.map((r: { key_population: string }) => r.key_population)).toEqual(['migrant', 'sex_worker']);
    });

    it('numbers references per city and year', async () => {
      const a = (await enter().expect(201)).body.reference;
      const b = (await enter().expect(201)).body.reference;
      expect(Number(b.slice(-4))).toBe(Number(a.slice(-4)) + 1);
      expect(a).toMatch(/^KLB-26-/);
    });

    it('refuses dates in the future (in the configured time zone) and facilities of another city', async () => {
      // 09:00 UTC on 2 March is 14:00 in Dushanbe; 3 March is tomorrow there.
      expect((await enter({ receivedAt: '2026-03-03' }).expect(400)).body.message).toContain('receivedAt must not be in the future');
      expect((await enter({ incidentDate: '2026-03-03' }).expect(400)).body.message).toContain('incidentDate must not be in the future');
      await enter({ incidentDate: '2026-03-02' }).expect(201);
      expect((await enter({ facilityId: otherCityFacility }).expect(400)).body.message).toContain('facilityId');
      expect((await enter({ receivedAt: '2026-02-01', incidentDate: '2026-02-10' }).expect(400)).body.message).toContain('after the day');
      const res = await enter({ keyPopulations: ['plhiv', 'plhiv'], gender: 'x', channel: 'fax', description: 'y'.repeat(5001) }).expect(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining([expect.stringContaining('keyPopulations'), expect.stringContaining('gender'), expect.stringContaining('channel'), expect.stringContaining('description')]),
      );
    });
  });

  describe('workflow', () => {
    it('requires a reason to reject and refuses one to accept', async () => {
      const { id } = (await enter().expect(201)).body;
      expect((await post(id, 'triage', { decision: 'reject' }).expect(400)).body.message).toContain('reason is required');
      await post(id, 'triage', { decision: 'accept', reason: 'spam' }).expect(400);
      await post(id, 'triage', { decision: 'reject', reason: 'bogus' }).expect(400);
      const rejected = await post(id, 'triage', { decision: 'reject', reason: 'duplicate' }).expect(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: 'duplicate', allowedActions: [] });
      const again = await post(id, 'triage', { decision: 'accept' }).expect(409);
      expect(again.body.message).toContain('rejected');
      await post(id, 'resolution', { outcome: 'resolved_positive' }).expect(409);
    });

    it('answers an illegal transition with 409 naming the current state', async () => {
      const { id } = (await enter().expect(201)).body;
      const res = await post(id, 'resolution', { outcome: 'resolved_positive' }).expect(409);
      expect(res.body.message).toMatch(/is received/);
      const reopen = await post(id, 'reopen', {}).expect(409);
      expect(reopen.body.message).toMatch(/is received/);
    });

    it('takes a decline reason only with the declined outcome', async () => {
      const { id } = (await enter().expect(201)).body;
      await post(id, 'triage', { decision: 'accept' }).expect(200);
      expect((await post(id, 'resolution', { outcome: 'unresolved_client_declined' }).expect(400)).body.message).toContain('declineReason is required');
      await post(id, 'resolution', { outcome: 'resolved_positive', declineReason: 'self_stigma' }).expect(400);
      await post(id, 'resolution', { outcome: 'not_an_outcome' }).expect(400);
      const ok = await post(id, 'resolution', { outcome: 'unresolved_client_declined', declineReason: 'fears_hiv_disclosure' }).expect(200);
      expect(ok.body).toMatchObject({ outcome: 'unresolved_client_declined', declineReason: 'fears_hiv_disclosure', outcomeBy: member.userId });
    });

    it('reopen clears the outcome and the verdict; the timeline keeps the history', async () => {
      const { id, reference, trackingCode } = (await enter().expect(201)).body;
      await post(id, 'triage', { decision: 'accept' }).expect(200);
      await post(id, 'resolution', { outcome: 'resolved_partial' }).expect(200);
      await t.http().post('/api/v1/public/complaints/confirm').send({ reference, trackingCode, resolvedForMe: false, comment: 'not really' }).expect(200);
      const reopened = await post(id, 'reopen', { note: 'complainant disputed' }).expect(200);
      expect(reopened.body).toMatchObject({ status: 'in_review', outcome: null, outcomeBy: null, outcomeAt: null, complainantVerified: null });
      expect(reopened.body.timeline.map((e: { type: string }) => e.type)).toEqual(['submitted', 'accepted', 'resolved', 'disputed', 'reopened']);
      expect(reopened.body.timeline[4].data).toEqual({ previousOutcome: 'resolved_partial' });
      await post(id, 'resolution', { outcome: 'resolved_positive' }).expect(200);
      // A fresh outcome can be judged afresh.
      const v = await t.http().post('/api/v1/public/complaints/confirm').send({ reference, trackingCode, resolvedForMe: true }).expect(200);
      expect(v.body.complainantVerified).toBe(true);
      const audit = await t.http().get('/api/v1/audit?entity=complaint').set(bearer(t.adminToken)).expect(200);
      const actions = audit.body.items.filter((e: { entityId: string }) => e.entityId === String(id)).map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['complaint.submit', 'complaint.accept', 'complaint.resolve', 'complaint.confirm', 'complaint.reopen']));
    });

    it('refuses a stale version with 409', async () => {
      const { id } = (await enter().expect(201)).body;
      const v = (await detail(id)).version;
      await post(id, 'triage', { decision: 'accept', version: v }).expect(200);
      const stale = await post(id, 'resolution', { outcome: 'resolved_positive', version: v }).expect(409);
      expect(stale.body.message).toContain('changed');
      await post(id, 'resolution', { outcome: 'resolved_positive', version: v + 1 }).expect(200);
    });
  });

  describe('triage list', () => {
    it('filters, pages newest first and stays stable when new complaints arrive', async () => {
      const t2 = await createTestApp({ now: '2026-03-02T09:00:00Z' });
      try {
        const m = await seedMember(t2, 'KLB');
        const city = (await cityByCode(t2, 'KLB')).city.id;
        const fac = (await seedFacility(t2, 'KLB')).id;
        const make = (body: Record<string, unknown>) =>
          t2
            .http()
            .post('/api/v1/complaints')
            .set(bearer(m.token))
            .send({ cityId: city, category: 'waiting_time', description: 'x', ...body })
            .expect(201)
            .then((r) => r.body.id as number);
        const ids: number[] = [];
        for (let i = 0; i < 7; i++) ids.push(await make({ receivedAt: `2026-02-0${i + 1}`, facilityId: i % 2 ? fac : undefined, category: i % 3 ? 'waiting_time' : 'staff_attitude' }));
        const page = (q: string) => t2.http().get(`/api/v1/complaints?${q}`).set(bearer(m.token)).expect(200).then((r) => r.body);

        const p1 = await page('limit=3');
        expect(p1.items.map((c: { id: number }) => c.id)).toEqual([ids[6], ids[5], ids[4]]);
        // A new complaint arrives between pages; the next page continues where the first stopped.
        await make({});
        const p2 = await page(`limit=3&cursor=${p1.nextCursor}`);
        expect(p2.items.map((c: { id: number }) => c.id)).toEqual([ids[3], ids[2], ids[1]]);
        const p3 = await page(`limit=3&cursor=${p2.nextCursor}`);
        expect(p3.items.map((c: { id: number }) => c.id)).toEqual([ids[0]]);
        expect(p3.nextCursor).toBeNull();

        expect((await page(`facility=${fac}`)).items.map((c: { id: number }) => c.id)).toEqual([ids[5], ids[3], ids[1]]);
        expect((await page('category=staff_attitude')).items.map((c: { id: number }) => c.id)).toEqual([ids[6], ids[3], ids[0]]);
        expect((await page('from=2026-02-02&to=2026-02-04')).items.map((c: { id: number }) => c.id)).toEqual([ids[3], ids[2], ids[1]]);
        await t2.http().post(`/api/v1/complaints/${ids[2]}/triage`).set(bearer(m.token)).send({ decision: 'accept' }).expect(200);
        expect((await page('status=in_review')).items.map((c: { id: number }) => c.id)).toEqual([ids[2]]);

        await t2.http().get('/api/v1/complaints?cursor=garbage').set(bearer(m.token)).expect(400);
        await t2.http().get('/api/v1/complaints?limit=1000').set(bearer(m.token)).expect(400);
        await t2.http().get('/api/v1/complaints?from=2026-02-05&to=2026-02-01').set(bearer(m.token)).expect(400);
        await t2.http().get('/api/v1/complaints?status=nope').set(bearer(m.token)).expect(400);
      } finally {
        await t2.close();
      }
    });
  });
});
