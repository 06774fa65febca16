import { bearer, cityByCode, seedFacility, seedMember } from '../support/fixtures';
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

  it('writes simultaneous submissions in shared transactions, each contact bound to its own row', async () => {
    const khj = (await cityByCode(t, 'KHJ')).city.id;
    const member = await seedMember(t, 'KHJ');
    const transactions = jest.spyOn(t.db, 'transaction');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const fields = {
          cityId: khj,
          category: 'confidentiality_breach',
          description: `Batched complaint ${i}`,
          keyPopulations: i % 2 ? ['sex_worker', 'plhiv'] : ['people_who_use_drugs'],
          contact: i % 3 === 0 ? { phone: `+992 90 000 ${String(i).padStart(4, '0')}` } : undefined,
          consents: { mayContact: i % 3 === 0, discloseIdentityToFacility: false },
        };
        // Public and staff intakes mixed, as they arrive in real life.
        return i % 4 === 0
          ? t.http().post('/api/v1/complaints').set(bearer(member.token)).send({ ...fields, channel: 'hotline' })
          : t.http().post('/api/v1/public/complaints').send(fields);
      }),
    );
    const calls = transactions.mock.calls.length;
    transactions.mockRestore();
    expect(results.map((r) => `${r.status} ${r.status === 201 ? "" : JSON.stringify(r.body)}`.trim())).toEqual(Array(40).fill("201"));
    expect(calls).toBeLessThan(20);
    const numbers = results.map((r) => Number((r.body.reference as string).slice(-4))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    const rows: { id: number; reference: string; description: string; channel: string; created_by: number | null }[] = await t.db.manager.query(
      `SELECT id, reference, description, channel, created_by FROM complaints WHERE city_id = ${khj} ORDER BY id`,
    );
    expect(rows).toHaveLength(40);
    for (const [i, r] of results.entries()) {
      const row = rows.find((x) => x.reference === r.body.reference)!;
      expect(row.description).toBe(`Batched complaint ${i}`);
      expect(row.channel).toBe(i % 4 === 0 ? 'hotline' : 'web');
      expect(row.created_by === null ? null : Number(row.created_by)).toBe(i % 4 === 0 ? member.userId : null);
      if (i % 4 === 0) expect(r.body.id).toBe(Number(row.id));
      else expect(r.body).not.toHaveProperty('id');
      if (i % 3 === 0) {
        // Decrypts only with its own row id as associated data.
        const reveal = await t.http().post(`/api/v1/complaints/${row.id}/contact/reveal`).set(bearer(member.token)).expect(200);
        expect(reveal.body.contact).toEqual({ phone: `+992 90 000 ${String(i).padStart(4, '0')}` });
      }
    }
    const ids = rows.map((r) => r.id).join(',');
    const count = async (sql: string) => Number((await t.db.manager.query(sql))[0].n);
    expect(await count(`SELECT COUNT(*) AS n FROM complaint_key_populations WHERE complaint_id IN (${ids})`)).toBe(20 * 2 + 20);
    expect(await count(`SELECT COUNT(*) AS n FROM complaint_events WHERE type = 'submitted' AND complaint_id IN (${ids})`)).toBe(40);
    expect(await count(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'complaint.submit' AND entity_id IN (${rows.map((r) => `'${r.id}'`).join(',')})`)).toBe(40);
  });

  it('refuses a bad submission in a batch on its own and leaves no gap in the numbering', async () => {
    const klb = (await cityByCode(t, 'KLB')).city.id;
    const elsewhere = await seedFacility(t, 'BKH');
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        t
          .http()
          .post('/api/v1/public/complaints')
          .send({ cityId: klb, category: 'waiting_time', description: `Kulob complaint ${i}`, ...(i === 7 ? { facilityId: elsewhere.id } : {}) }),
      ),
    );
    expect(results[7].status).toBe(400);
    expect(results[7].body.message).toMatch(/facilityId does not name a facility in this city/);
    const ok = results.filter((_, i) => i !== 7);
    expect(ok.map((r) => r.status)).toEqual(Array(14).fill(201));
    expect(ok.map((r) => Number((r.body.reference as string).slice(-4))).sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
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
