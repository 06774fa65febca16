import { Escalation } from '../../src/escalations/escalation.entity';
import { Facility } from '../../src/facilities/facility.entity';
import { StatsRollupService } from '../../src/statistics/stats-rollup.service';
import { bearer, cityByCode, seedFacility, seedFacilityAdmin, seedMember } from '../support/fixtures';
import { insertComplaints, times } from '../support/stats-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * stats/sla reads whole months from the escalations' rollup (src/statistics/escalation-rollup.ts).
 * The reference is the route's own live path, which counts the whole period from the escalations
 * (the path it took before the rollup, and still takes for a period without a whole month):
 * every answer must be identical, for every kind of reader, and stay so after the escalations
 * change (new ones, responses, steps up the ladder from an older month, the clock moving on).
 */
describe('stats/sla from the escalations rollup', () => {
  let t: TestApp;
  let rollups: StatsRollupService;
  const facilities: Facility[] = [];
  let authority: Facility;
  let complaintIds: number[] = [];
  const readers: { name: string; token: string }[] = [];
  const day = 86_400_000;
  let seed = 20261202;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];

  const sql = (text: string, params: unknown[] = []) => t.db.manager.query(t.db.isSqlite ? text.replace(/\$\d+/g, '?') : text, params);

  const row = (facility: Facility, createdAt: number, parent: number | null = null) => {
    const answered = rand() < 0.55;
    const respondedAt = answered ? createdAt + Math.floor(rand() * 25 * day) : null;
    const dueAt = createdAt + facility.slaDays * day;
    const state = answered ? 'responded' : rand() < 0.5 ? 'overdue' : 'awaiting';
    return {
      complaintId: pick(complaintIds),
      cityId: facility.cityId,
      facilityId: facility.id,
      rung: parent ? 2 : 1,
      parentEscalationId: parent,
      summary: 'A service user reports that opening hours prevent access.',
      discloseIdentity: false,
      dueAt: new Date(dueAt),
      deliveryState: 'sent',
      responseState: state,
      response: answered ? 'We changed the hours.' : null,
      respondedAt: respondedAt === null ? null : new Date(respondedAt),
      respondedBy: null,
      tokenHash: null,
      tokenEnc: null,
      tokenExpiresAt: new Date(createdAt + 24 * day),
      tokenUsedAt: null,
      createdBy: null,
      createdAt: new Date(createdAt),
      updatedAt: new Date(createdAt),
      lastError: null,
    };
  };

  /** `n` escalations spread over 2025-01-01 .. 2026-03-05 (weights make small and large facilities); some climb the ladder. */
  async function addEscalations(n: number, from = Date.parse('2025-01-01T00:00:00Z'), to = Date.parse('2026-03-05T00:00:00Z')): Promise<number[]> {
    const weights = [40, 25, 15, 1, 1, 3, 8];
    const bag = facilities.flatMap((f, i) => Array.from({ length: weights[i] }, () => f));
    const ids: number[] = [];
    await t.db.transaction(async ({ em }) => {
      for (let i = 0; i < n; i++) {
        const f = pick(bag);
        const at = from + Math.floor(rand() * (to - from));
        const id = Number((await em.insert(Escalation, row(f, at) as any)).identifiers[0].id);
        ids.push(id);
        if (rand() < 0.15) await em.insert(Escalation, row(authority, at + Math.floor(rand() * 40 * day), id) as any);
      }
    });
    return ids;
  }

  const PATHS = [
    '/api/v1/stats/sla?from=2025-01-15&to=2025-11-20',
    '/api/v1/stats/sla?from=2025-02-01&to=2025-12-31',
    '/api/v1/stats/sla?from=2025-03-10&to=2025-03-25',
    '/api/v1/stats/sla?from=2025-06-01&to=2026-03-10',
    // End months read whole from the rollup minus their few days outside the period, or counted live.
    '/api/v1/stats/sla?from=2025-01-04&to=2025-10-29',
    '/api/v1/stats/sla?from=2025-04-27&to=2025-09-02',
    '/api/v1/stats/sla?from=2025-04-03&to=2026-03-28',
    '/api/v1/stats/sla',
  ];

  /** Every path for every reader, answered from the rollup and from the live count, must be equal. */
  async function compareAll(): Promise<number> {
    let compared = 0;
    const months = rollups.escalations.months;
    const adminOnly = [`&city=${facilities[0].cityId}`, `&facility=${facilities[1].id}`];
    for (const reader of readers) {
      for (const base of PATHS) {
        for (const extra of reader.name === 'admin' ? ['', ...adminOnly] : ['']) {
          const path = base + (extra && !base.includes('?') ? `?${extra.slice(1)}` : extra);
          const viaRollup = await t.http().get(path).set(bearer(reader.token)).expect(200);
          const spy = jest.spyOn(months, 'fullMonths').mockResolvedValue(null);
          try {
            const live = await t.http().get(path).set(bearer(reader.token)).expect(200);
            expect({ path, reader: reader.name, body: viaRollup.body }).toEqual({ path, reader: reader.name, body: live.body });
          } finally {
            spy.mockRestore();
          }
          compared++;
        }
      }
    }
    return compared;
  }

  beforeAll(async () => {
    t = await createTestApp();
    rollups = t.app.get(StatsRollupService);
    authority = await seedFacility(t, 'BKH', { name: 'Rollup health department', type: 'authority', slaDays: 14 });
    for (const [code, sla] of [['BKH', 10], ['DSH', 7], ['BKH', 5], ['KHJ', 10], ['DSH', 10], ['KLB', 3], ['BKH', 21]] as const) {
      facilities.push(await seedFacility(t, code, { name: `Rollup site ${facilities.length + 1}`, slaDays: sla }));
    }
    const bkh = (await cityByCode(t, 'BKH')).city.id;
    complaintIds = await insertComplaints(t, times(30, { cityId: bkh, receivedAt: '2025-01-02T06:00:00Z', status: 'escalated' }));
    readers.push({ name: 'admin', token: t.adminToken });
    readers.push({ name: 'KPAC member (BKH)', token: (await seedMember(t, 'BKH')).token });
    readers.push({ name: 'facility admin', token: (await seedFacilityAdmin(t, facilities[0].id)).token });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers exactly as the live count on randomised escalations, and stays exact as they change', async () => {
    const first = await addEscalations(700);
    expect(await compareAll()).toBe(PATHS.length * (3 + 2));
    // The rollup was really used: the months of the periods are built.
    const [{ n: built }] = await sql('SELECT COUNT(*) AS n FROM escalation_stats_months');
    expect(Number(built)).toBeGreaterThanOrEqual(12);

    // Independent of the route's code: the admin's escalation counts per facility are the table's.
    const res = await t.http().get(PATHS[1]).set(bearer(t.adminToken)).expect(200);
    const counts = await sql(
      'SELECT facility_id, COUNT(*) AS n FROM escalations WHERE created_at >= $1 AND created_at < $2 GROUP BY facility_id',
      [Date.parse('2025-01-31T19:00:00Z'), Date.parse('2025-12-31T19:00:00Z')],
    );
    const named = new Map(res.body.items.filter((i: any) => i.facilityId !== null).map((i: any) => [i.facilityId, i.escalations]));
    for (const c of counts) if (named.has(Number(c.facility_id))) expect(named.get(Number(c.facility_id))).toBe(Number(c.n));
    expect(named.size).toBeGreaterThanOrEqual(4);

    // Steps up the ladder, made in a later month, from escalations of April 2025, which nothing
    // else touches: only the parent's mark can tell the rollup that April changed.
    const april = await sql(
      'SELECT e.id, e.created_at FROM escalations e WHERE e.created_at >= $1 AND e.created_at < $2 AND NOT EXISTS (SELECT 1 FROM escalations c WHERE c.parent_escalation_id = e.id) ORDER BY e.id LIMIT 12',
      [Date.parse('2025-04-01T00:00:00Z'), Date.parse('2025-04-30T00:00:00Z')],
    );
    expect(april.length).toBe(12);
    await t.db.transaction(async ({ em }) => {
      for (const p of april) await em.insert(Escalation, row(authority, Date.parse('2025-06-10T00:00:00Z'), Number(p.id)) as any);
    });
    await compareAll();

    // Changes after the months were built: new escalations in built months, responses to awaiting
    // ones, a move to another facility, and more steps up the ladder.
    await addEscalations(150, Date.parse('2025-02-01T00:00:00Z'), Date.parse('2025-10-01T00:00:00Z'));
    const awaiting = await sql("SELECT id, created_at FROM escalations WHERE response_state = 'awaiting' ORDER BY id LIMIT 40");
    await t.db.transaction(async ({ em }) => {
      for (const [i, a] of awaiting.entries()) {
        const at = Number(a.created_at) + (i % 9) * day + 3_600_000;
        await em.update(Escalation, { id: Number(a.id) }, { responseState: 'responded', respondedAt: new Date(at), response: 'Answered late.' } as any);
      }
      await em.update(Escalation, { id: first[3] }, { facilityId: facilities[2].id, cityId: facilities[2].cityId } as any);
      for (const parent of first.slice(10, 40)) {
        const [p] = await em.query(t.db.isSqlite ? 'SELECT created_at FROM escalations WHERE id = ?' : 'SELECT created_at FROM escalations WHERE id = $1', [parent]);
        await em.insert(Escalation, row(authority, Number(p.created_at) + 45 * day, parent) as any);
      }
    });
    await compareAll();

    // What the SLA sweep and the facilities do to built months, one facility at a time (each
    // recounts only its facility's rows): awaiting ones fall overdue or are superseded, overdue
    // ones are superseded or answered late, a responded one's due date moves.
    const states = await sql("SELECT id, response_state AS s, created_at FROM escalations WHERE facility_id = $1 ORDER BY id", [facilities[1].id]);
    await t.db.transaction(async ({ em }) => {
      for (const [i, e] of states.entries()) {
        if (e.s === 'awaiting') await em.update(Escalation, { id: Number(e.id) }, { responseState: i % 2 ? 'overdue' : 'superseded' } as any);
        else if (e.s === 'overdue' && i % 3 === 0) await em.update(Escalation, { id: Number(e.id) }, { responseState: 'superseded' } as any);
        else if (e.s === 'overdue' && i % 3 === 1) await em.update(Escalation, { id: Number(e.id) }, { responseState: 'responded', respondedAt: new Date(Number(e.created_at) + 30 * day) } as any);
      }
    });
    await compareAll();
    // Alone (no other change marks their months): responded ones of another facility get new due dates.
    const responded = await sql("SELECT id, created_at FROM escalations WHERE facility_id = $1 AND response_state = 'responded' ORDER BY id", [facilities[2].id]);
    await t.db.transaction(async ({ em }) => {
      for (const [i, e] of responded.entries()) await em.update(Escalation, { id: Number(e.id) }, { dueAt: new Date(Number(e.created_at) + (i % 20) * day) } as any);
    });
    await compareAll();
    await t.db.transaction(async ({ em }) => {
      await em.delete(Escalation, { id: first[5] });
      await em.update(Escalation, { id: first[6] }, { createdAt: new Date(Date.parse('2025-08-14T00:00:00Z')) } as any);
    });
    await compareAll();

    // Awaiting escalations fall overdue as the clock moves on, without any write.
    t.clock.advanceDays(30);
    await compareAll();
  });
});
