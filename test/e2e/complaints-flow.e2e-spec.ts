import { bearer, cityByCode, seedFacility, seedMember, SeededMember } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/** The whole life of a complaint through HTTP, as the service user and the council see it. */
describe('complaints: public submit → track → triage → resolve → confirm', () => {
  let t: TestApp;
  let member: SeededMember;
  let bkhCityId: number;
  let facilityId: number;

  beforeAll(async () => {
    t = await createTestApp();
    member = await seedMember(t, 'BKH');
    bkhCityId = (await cityByCode(t, 'BKH')).city.id;
    facilityId = (await seedFacility(t, 'BKH', { name: 'Bokhtar OST site' })).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const submit = (body: Record<string, unknown>) => t.http().post('/api/v1/public/complaints').send(body);
  const track = (reference: string, trackingCode: string) => t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode });

  it('walks the whole path and shows it to the complainant', async () => {
    const sub = await submit({
      cityId: bkhCityId,
      facilityId,
      category: 'opening_hours',
      description: 'The site closes at noon; I cannot get there before work.',
      desiredOutcome: 'Open until 2 pm',
      incidentDate: '2026-02-27',
      keyPopulations: ['people_who_use_drugs', 'plhiv'],
      gender: 'female',
      ageGroup: '36-55',
      responsiblePartyType: 'healthcare',
    }).expect(201);
    expect(sub.body.reference).toMatch(/^BKH-26-\d{4}$/);
    expect(sub.headers['cache-control']).toBe('no-store');
    expect(sub.body.trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    const { reference, trackingCode } = sub.body;

    const tracked = await track(reference, trackingCode).expect(200);
    expect(tracked.body).toMatchObject({ reference, status: 'received', outcome: null, complainantVerified: null });
    expect(tracked.body.timeline).toEqual([{ at: expect.any(String), type: 'submitted', text: expect.any(String) }]);
    // Typed in lower case with spaces instead of dashes still works.
    await track(reference.toLowerCase(), trackingCode.toLowerCase().replace(/-/g, ' ')).expect(200);

    const list = await t.http().get('/api/v1/complaints').set(bearer(member.token)).expect(200);
    const row = list.body.items.find((c: { reference: string }) => c.reference === reference);
    expect(row).toMatchObject({ status: 'received', hasContact: false, cityId: bkhCityId });

    const triaged = await t.http().post(`/api/v1/complaints/${row.id}/triage`).set(bearer(member.token)).send({ decision: 'accept', priority: 'high' }).expect(200);
    expect(triaged.body).toMatchObject({ status: 'in_review', priority: 'high', allowedActions: expect.arrayContaining(['resolve', 'escalate']) });

    // Confirming before an outcome exists is refused.
    await t.http().post('/api/v1/public/complaints/confirm').send({ reference, trackingCode, resolvedForMe: true }).expect(409);

    const resolved = await t
      .http()
      .post(`/api/v1/complaints/${row.id}/resolution`)
      .set(bearer(member.token))
      .send({ outcome: 'resolved_positive', note: 'INTERNAL-NOTE-talked to the head doctor', version: triaged.body.version })
      .expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'resolved_positive', outcomeBy: member.userId, outcomeAt: t.clock.now().toISOString() });

    const confirmed = await t
      .http()
      .post('/api/v1/public/complaints/confirm')
      .send({ reference, trackingCode, resolvedForMe: true, comment: 'INTERNAL-COMMENT-thanks' })
      .expect(200);
    expect(confirmed.body.complainantVerified).toBe(true);
    // One answer per outcome.
    await t.http().post('/api/v1/public/complaints/confirm').send({ reference, trackingCode, resolvedForMe: false }).expect(409);

    const final = await track(reference, trackingCode).expect(200);
    expect(final.body).toMatchObject({ status: 'resolved', outcome: 'resolved_positive', outcomeText: 'Resolved positively for you.', complainantVerified: true });
    expect(final.body.timeline.map((e: { type: string }) => e.type)).toEqual(['submitted', 'accepted', 'resolved', 'confirmed']);
    const text = JSON.stringify(final.body);
    expect(text).not.toContain('INTERNAL-');
    expect(text).not.toContain(String(member.userId) + ',');
    for (const e of final.body.timeline) expect(Object.keys(e).sort()).toEqual(['at', 'text', 'type']);

    // Staff see the internal notes and the complainant's verdict, kept apart from who declared the outcome.
    const detail = await t.http().get(`/api/v1/complaints/${row.id}`).set(bearer(member.token)).expect(200);
    expect(detail.body).toMatchObject({ complainantVerified: true, outcomeBy: member.userId, hasContact: false });
    expect(JSON.stringify(detail.body.timeline)).toContain('INTERNAL-NOTE');
    expect(JSON.stringify(detail.body.timeline)).toContain('INTERNAL-COMMENT');
    expect(detail.body).not.toHaveProperty('trackingHash');
    expect(detail.body).not.toHaveProperty('contactEnc');
  });
});
