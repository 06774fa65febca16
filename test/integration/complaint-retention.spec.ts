import { ComplaintRetentionService } from '../../src/complaints/complaint-retention.service';
import { bearer, cityByCode, seedMember, SeededMember } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

describe('ComplaintRetentionService.eraseExpiredContacts', () => {
  let t: TestApp;
  let member: SeededMember;
  let cityId: number;
  let retention: ComplaintRetentionService;

  beforeAll(async () => {
    t = await createTestApp({ env: { CONTACT_RETENTION_DAYS: '30' } });
    member = await seedMember(t, 'BKH');
    cityId = (await cityByCode(t, 'BKH')).city.id;
    retention = t.app.get(ComplaintRetentionService);
  });
  afterAll(async () => {
    await t.close();
  });

  const enter = async () =>
    (
      await t
        .http()
        .post('/api/v1/complaints')
        .set(bearer(member.token))
        .send({ cityId, category: 'other', description: 'with contact', contact: { phone: '+992 11 222 3344' }, consents: { mayContact: true, discloseIdentityToFacility: false } })
        .expect(201)
    ).body.id as number;
  const act = (id: number, action: string, body: Record<string, unknown>) => t.http().post(`/api/v1/complaints/${id}/${action}`).set(bearer(member.token)).send(body).expect(200);
  const contactEnc = async (id: number) => (await t.db.manager.query(`SELECT contact_enc FROM complaints WHERE id = ${id}`))[0].contact_enc as string | null;

  it('erases contact details of complaints closed longer than the retention period, once, audited as system', async () => {
    const resolved = await enter();
    await act(resolved, 'triage', { decision: 'accept' });
    await act(resolved, 'resolution', { outcome: 'resolved_positive' });
    const rejected = await enter();
    await act(rejected, 'triage', { decision: 'reject', reason: 'duplicate' });
    const open = await enter();
    await act(open, 'triage', { decision: 'accept' });
    t.clock.advanceDays(20);
    const later = await enter();
    await act(later, 'triage', { decision: 'accept' });
    await act(later, 'resolution', { outcome: 'no_resolution_required' });

    expect(await retention.eraseExpiredContacts()).toBe(0);
    t.clock.advanceDays(11);
    expect(await retention.eraseExpiredContacts()).toBe(2);
    expect(await contactEnc(resolved)).toBeNull();
    expect(await contactEnc(rejected)).toBeNull();
    expect(await contactEnc(open)).not.toBeNull();
    expect(await contactEnc(later)).not.toBeNull();
    // Running again changes nothing.
    expect(await retention.eraseExpiredContacts()).toBe(0);

    const detail = (await t.http().get(`/api/v1/complaints/${resolved}`).set(bearer(member.token)).expect(200)).body;
    expect(detail).toMatchObject({ hasContact: false, contactErasedAt: t.clock.now().toISOString(), status: 'resolved', outcome: 'resolved_positive' });
    expect(detail.timeline.at(-1)).toMatchObject({ type: 'contact_erased', public: false, actorUserId: null });
    const gone = await t.http().post(`/api/v1/complaints/${resolved}/contact/reveal`).set(bearer(member.token)).expect(410);
    expect(gone.body.message).toContain('erased');
    const audits = await t.db.manager.query(`SELECT actor_type, entity_id FROM audit_events WHERE action = 'complaint.contact_erase' ORDER BY entity_id`);
    expect(audits.map((a: { actor_type: string; entity_id: string }) => [a.actor_type, Number(a.entity_id)])).toEqual(
      [resolved, rejected].sort((a, b) => a - b).map((id) => ['system', id]),
    );

    t.clock.advanceDays(20);
    expect(await retention.eraseExpiredContacts()).toBe(1);
    expect(await contactEnc(later)).toBeNull();
    expect(await contactEnc(open)).not.toBeNull();
  });
});
