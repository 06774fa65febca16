import { bearer, cityByCode, seedMember } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

describe('complaints under concurrency', () => {
  let t: TestApp;
  let cityId: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '0' } });
    cityId = (await cityByCode(t, 'DSH')).city.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives 100 simultaneous public submissions 100 distinct references, all stored', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        t.http().post('/api/v1/public/complaints').send({ cityId, category: 'waiting_time', description: `Concurrent complaint ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(201));
    const refs = results.map((r) => r.body.reference as string);
    expect(new Set(refs).size).toBe(100);
    const numbers = refs.map((r) => Number(r.slice(-4))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const [{ n }] = await t.db.manager.query(`SELECT COUNT(*) AS n FROM complaints WHERE reference LIKE 'DSH-26-%'`);
    expect(Number(n)).toBe(100);
    const [{ e }] = await t.db.manager.query(`SELECT COUNT(*) AS e FROM complaint_events WHERE type = 'submitted'`);
    expect(Number(e)).toBe(100);
  });

  it('lets exactly one of two members resolving at once win; the other gets 409', async () => {
    const a = await seedMember(t, 'DSH');
    const b = await seedMember(t, 'DSH');
    for (let round = 0; round < 5; round++) {
      const { id } = (
        await t.http().post('/api/v1/complaints').set(bearer(a.token)).send({ cityId, category: 'staff_attitude', description: `race ${round}` }).expect(201)
      ).body;
      const { version } = (await t.http().post(`/api/v1/complaints/${id}/triage`).set(bearer(a.token)).send({ decision: 'accept' }).expect(200)).body;
      const [ra, rb] = await Promise.all([
        t.http().post(`/api/v1/complaints/${id}/resolution`).set(bearer(a.token)).send({ outcome: 'resolved_positive', version }),
        t.http().post(`/api/v1/complaints/${id}/resolution`).set(bearer(b.token)).send({ outcome: 'resolved_negative', version }),
      ]);
      expect([ra.status, rb.status].sort()).toEqual([200, 409]);
      const winner = ra.status === 200 ? ra : rb;
      const detail = (await t.http().get(`/api/v1/complaints/${id}`).set(bearer(a.token)).expect(200)).body;
      expect(detail.outcome).toBe(winner.body.outcome);
      expect(detail.timeline.filter((e: { type: string }) => e.type === 'resolved')).toHaveLength(1);
      const audits = await t.db.manager.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'complaint.resolve' AND entity_id = '${Number(id)}'`);
      expect(Number(audits[0].n)).toBe(1);
    }
  });
});
