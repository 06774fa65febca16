import { addMonths } from '../../src/common/dates';
import { Member } from '../../src/councils/member.entity';
import { Term } from '../../src/councils/term.entity';
import { Training } from '../../src/councils/training.entity';
import { Escalation } from '../../src/escalations/escalation.entity';
import { Facility } from '../../src/facilities/facility.entity';
import { bearer, cityByCode, seedFacility, seedFacilityAdmin, seedMember, SeededMember, SeededStaff } from '../support/fixtures';
import { insertComplaints, insertFeedback, times } from '../support/stats-fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';

/** Each scenario uses its own year or city so they do not disturb one another. */
describe('statistics (HTTP)', () => {
  let t: TestApp;
  const city: Record<string, number> = {};
  let f1: Facility;
  let f2: Facility;
  let bkhMember: SeededMember;
  let dshMember: SeededMember;
  let f1Admin: SeededStaff;

  const get = (path: string, token = t.adminToken) => t.http().get(path).set(bearer(token));

  beforeAll(async () => {
    t = await createTestApp();
    for (const code of ['BKH', 'DSH', 'KHJ', 'KLB']) city[code] = (await cityByCode(t, code)).city.id;
    f1 = await seedFacility(t, 'BKH', { name: 'Bokhtar OST site' });
    f2 = await seedFacility(t, 'DSH', { name: 'Dushanbe AIDS centre', type: 'aids_centre' });
    bkhMember = await seedMember(t, 'BKH');
    dshMember = await seedMember(t, 'DSH');
    f1Admin = await seedFacilityAdmin(t, f1.id);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('REAct Tajikistan H1-2023 reaction status', () => {
    // Published shares: In progress 14.0 %, positive 66.9 %, negative 2.1 %, no help 1.2 %,
    // declined 4.3 %, no resolution required 0.6 %, lost contact 0.4 %, partial 10.5 %.
    const published = {
      resolved_positive: 669,
      resolved_negative: 21,
      unresolved_no_assistance: 12,
      unresolved_client_declined: 43,
      no_resolution_required: 6,
      unresolved_lost_contact: 4,
      resolved_partial: 105,
    } as const;

    beforeAll(async () => {
      const cities = Object.values(city);
      const specs = [];
      let i = 0;
      // Spread over the half year (mid-day UTC, always inside the period in Dushanbe too).
      const when = () => new Date(Date.UTC(2023, 0, 1, 12) + ((i++ * 7919) % 180) * 86_400_000).toISOString();
      for (const [outcome, n] of Object.entries(published)) {
        for (let k = 0; k < n; k++) specs.push({ cityId: cities[i % 4], receivedAt: when(), outcome: outcome as keyof typeof published });
      }
      // 140 in progress, in every open state.
      for (const [status, n] of [['received', 40], ['in_review', 40], ['escalated', 30], ['responded', 30]] as const) {
        for (let k = 0; k < n; k++) specs.push({ cityId: cities[i % 4], receivedAt: when(), status });
      }
      // Rejected complaints do not count as received, whatever else they carry.
      specs.push(...times(25, { cityId: city.DSH, receivedAt: '2023-03-03T10:00:00Z', status: 'rejected' }));
      // Outside the period in Asia/Dushanbe (UTC+5) although inside it in UTC, and the reverse.
      specs.push(...times(3, { cityId: city.BKH, receivedAt: '2023-06-30T19:30:00Z', outcome: 'resolved_negative' }));
      specs.push(...times(2, { cityId: city.KHJ, receivedAt: '2022-12-31T18:59:00Z', outcome: 'resolved_negative' }));
      await insertComplaints(t, specs);
    });

    it('reproduces the table exactly on the 1,000 cases of the half year (UTC+5 boundaries)', async () => {
      const res = await get('/api/v1/stats/resolution?from=2023-01-01&to=2023-06-30').expect(200);
      const o = res.body.overall;
      expect(o.received).toBe(1000);
      expect(o.suppressed).toBe(false);
      const pct = (share: number) => Math.round(share * 1000) / 10;
      expect(pct(o.inProgress.share)).toBe(14.0);
      expect(o.inProgress.count).toBe(140);
      expect(pct(o.outcomes.resolved_positive.share)).toBe(66.9);
      expect(pct(o.outcomes.resolved_negative.share)).toBe(2.1);
      expect(pct(o.outcomes.unresolved_no_assistance.share)).toBe(1.2);
      expect(pct(o.outcomes.unresolved_client_declined.share)).toBe(4.3);
      expect(pct(o.outcomes.no_resolution_required.share)).toBe(0.6);
      expect(pct(o.outcomes.unresolved_lost_contact.share)).toBe(0.4);
      expect(pct(o.outcomes.resolved_partial.share)).toBe(10.5);
      expect(o.outcomes.unresolved_client_deceased).toEqual({ count: 0, share: 0 });
      const total = Object.values(o.outcomes).reduce((s: number, c: any) => s + c.share, o.inProgress.share);
      expect(total).toBeCloseTo(1, 10);
      expect(o.positiveRate).toEqual({ value: 0.669, numerator: 669, denominator: 1000 });
      expect(o.closedPositiveRate).toEqual({ value: 669 / 860, numerator: 669, denominator: 860 });
      expect(res.body.suppressionThreshold).toBeNull();
      expect(res.body.period).toMatchObject({ from: '2023-01-01', to: '2023-06-30', timeZone: 'Asia/Dushanbe' });
    });

    it('adds partial months at the ends of a period to the whole months between them', async () => {
      const a = await get('/api/v1/stats/resolution?from=2023-01-01&to=2023-01-14').expect(200);
      const b = await get('/api/v1/stats/resolution?from=2023-01-15&to=2023-06-30').expect(200);
      const c = await get('/api/v1/stats/resolution?to=2023-06-30').expect(200);
      expect(a.body.overall.received + b.body.overall.received).toBe(1000);
      expect(a.body.overall.received).toBeGreaterThan(0);
      expect(a.body.overall.outcomes.resolved_positive.count + b.body.overall.outcomes.resolved_positive.count).toBe(669);
      // Open start: everything up to the end of June, i.e. also the two December complaints.
      expect(c.body.overall.received).toBe(1002);
    });

    it('groups by quarter and by city, and the groups add up to the whole', async () => {
      const q = await get('/api/v1/stats/resolution?from=2023-01-01&to=2023-06-30&groupBy=quarter').expect(200);
      expect(q.body.groups.map((g: any) => g.key)).toEqual(['2023-Q1', '2023-Q2']);
      expect(q.body.groups.reduce((s: number, g: any) => s + g.received, 0)).toBe(1000);
      expect(q.body.multiValued).toBe(false);
      const c = await get('/api/v1/stats/resolution?from=2023-01-01&to=2023-06-30&groupBy=city').expect(200);
      expect(c.body.groups.map((g: any) => g.label)).toEqual(expect.arrayContaining(['Bokhtar (BKH)', 'Dushanbe (DSH)', 'Khujand (KHJ)', 'Kulob (KLB)']));
      expect(c.body.groups.reduce((s: number, g: any) => s + g.outcomes.resolved_positive.count, 0)).toBe(669);
      expect(c.body.overall.received).toBe(1000);
    });
  });

  describe('definitions', () => {
    beforeAll(async () => {
      await insertComplaints(t, [
        ...times(3, { cityId: city.KHJ, receivedAt: '2024-05-01T08:00:00Z', outcome: 'resolved_positive' }),
        ...times(1, { cityId: city.KHJ, receivedAt: '2024-05-01T08:00:00Z', outcome: 'resolved_negative' }),
        ...times(2, { cityId: city.KHJ, receivedAt: '2024-05-01T08:00:00Z', status: 'received' }),
        // Reopened after an outcome: back in review, the old outcome no longer counts.
        { cityId: city.KHJ, receivedAt: '2024-05-01T08:00:00Z', status: 'in_review', outcome: 'resolved_positive' },
        ...times(4, { cityId: city.KHJ, receivedAt: '2024-05-01T08:00:00Z', status: 'rejected' }),
      ]);
    });

    it('excludes rejected complaints from every denominator and counts open ones as in progress', async () => {
      const res = await get(`/api/v1/stats/resolution?from=2024-01-01&to=2024-12-31&city=${city.KHJ}`).expect(200);
      const o = res.body.overall;
      expect(o.received).toBe(7);
      expect(o.positiveRate).toEqual({ value: 3 / 7, numerator: 3, denominator: 7 });
      expect(o.closedPositiveRate).toEqual({ value: 3 / 4, numerator: 3, denominator: 4 });
      expect(o.inProgress).toEqual({ count: 3, share: 3 / 7 });
      expect(res.body.scope).toEqual({ city: city.KHJ, facility: null });
    });

    it('reflects a change made after the figures were first counted', async () => {
      const url = `/api/v1/stats/resolution?from=2024-01-01&to=2024-12-31&city=${city.KHJ}`;
      const before = await get(url).expect(200);
      const [open] = await t.db.manager.query(
        t.db.isSqlite ? "SELECT id FROM complaints WHERE city_id = ? AND status = 'received' AND received_at >= ? AND received_at < ? LIMIT 1" : "SELECT id FROM complaints WHERE city_id = $1 AND status = 'received' AND received_at >= $2 AND received_at < $3 LIMIT 1",
        [city.KHJ, Date.parse('2024-01-01'), Date.parse('2025-01-01')],
      );
      await t.db.transaction(({ em }) => em.query(t.db.isSqlite ? "UPDATE complaints SET status = 'resolved', outcome = 'resolved_positive' WHERE id = ?" : "UPDATE complaints SET status = 'resolved', outcome = 'resolved_positive' WHERE id = $1", [open.id]));
      const after = await get(url).expect(200);
      expect(after.body.overall.positiveRate.numerator).toBe(before.body.overall.positiveRate.numerator + 1);
      expect(after.body.overall.inProgress.count).toBe(before.body.overall.inProgress.count - 1);
      await t.db.transaction(({ em }) => em.query(t.db.isSqlite ? "UPDATE complaints SET status = 'received', outcome = NULL WHERE id = ?" : "UPDATE complaints SET status = 'received', outcome = NULL WHERE id = $1", [open.id]));
      expect((await get(url).expect(200)).body.overall).toEqual(before.body.overall);
    });

    it('answers an empty period with zeros and no rate', async () => {
      const res = await get('/api/v1/stats/resolution?from=2019-01-01&to=2019-12-31').expect(200);
      expect(res.body.overall.received).toBe(0);
      expect(res.body.overall.positiveRate).toEqual({ value: null, numerator: 0, denominator: 0 });
    });

    it('counts a complaint in each of its key populations and says so', async () => {
      await insertComplaints(t, [
        { cityId: city.KLB, receivedAt: '2025-02-01T08:00:00Z', keyPopulations: ['plhiv', 'sex_worker'], outcome: 'resolved_positive' },
        { cityId: city.KLB, receivedAt: '2025-02-01T08:00:00Z', keyPopulations: ['plhiv'], status: 'escalated' },
        { cityId: city.KLB, receivedAt: '2025-02-01T08:00:00Z', keyPopulations: [], outcome: 'resolved_negative' },
      ]);
      const res = await get(`/api/v1/stats/resolution?from=2025-01-01&to=2025-12-31&city=${city.KLB}&groupBy=keyPopulation`).expect(200);
      expect(res.body.multiValued).toBe(true);
      expect(res.body.note).toMatch(/counted in each/);
      expect(res.body.overall.received).toBe(3);
      const byKey = Object.fromEntries(res.body.groups.map((g: any) => [g.key, g]));
      expect(byKey.plhiv.received).toBe(2);
      expect(byKey.plhiv.positiveRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
      expect(byKey.sex_worker.received).toBe(1);
      expect(byKey.null.received).toBe(1);
      expect(byKey.null.label).toBe('not recorded');
    });

    it('places 2026-03-31T20:00Z in the second quarter in Asia/Dushanbe', async () => {
      await insertComplaints(t, [
        { cityId: city.DSH, receivedAt: '2026-03-31T20:00:00Z', category: 'opening_hours' },
        { cityId: city.DSH, receivedAt: '2026-03-31T18:59:59Z', category: 'opening_hours' },
      ]);
      const q = await get(`/api/v1/stats/resolution?from=2026-01-01&to=2026-06-30&city=${city.DSH}&groupBy=quarter`).expect(200);
      expect(q.body.groups.map((g: any) => [g.key, g.received])).toEqual([
        ['2026-Q1', 1],
        ['2026-Q2', 1],
      ]);
      const q2 = await get(`/api/v1/stats/resolution?from=2026-04-01&to=2026-06-30&city=${city.DSH}`).expect(200);
      expect(q2.body.overall.received).toBe(1);
      const q1 = await get(`/api/v1/stats/resolution?from=2026-01-01&to=2026-03-31&city=${city.DSH}`).expect(200);
      expect(q1.body.overall.received).toBe(1);
    });
  });

  describe('scoping and small-count suppression', () => {
    beforeAll(async () => {
      await insertComplaints(t, [
        ...times(6, { cityId: city.BKH, receivedAt: '2022-04-01T08:00:00Z', outcome: 'resolved_positive', gender: 'female', facilityId: f1.id }),
        { cityId: city.BKH, receivedAt: '2022-04-01T08:00:00Z', outcome: 'unresolved_client_deceased', gender: 'female' },
        { cityId: city.BKH, receivedAt: '2022-04-01T08:00:00Z', outcome: 'resolved_positive', gender: 'male' },
        { cityId: city.BKH, receivedAt: '2022-04-01T08:00:00Z', status: 'in_review', gender: 'male' },
        ...times(5, { cityId: city.DSH, receivedAt: '2022-04-01T08:00:00Z', outcome: 'resolved_negative', facilityId: f2.id }),
      ]);
    });

    it('holds a KPAC member to their city and names no group below 5', async () => {
      const res = await get('/api/v1/stats/resolution?from=2022-01-01&to=2022-12-31&groupBy=gender', bkhMember.token).expect(200);
      expect(res.body.scope.city).toBe(city.BKH);
      expect(res.body.suppressionThreshold).toBe(5);
      const o = res.body.overall;
      expect(o.received).toBe(9);
      // deceased 1 and in progress 1 hide together with the positive cell: 1 + 1 alone would pin both.
      expect(o.outcomes.unresolved_client_deceased).toEqual({ count: null, share: null, suppressed: true });
      expect(o.inProgress).toEqual({ count: null, share: null, suppressed: true });
      expect(o.outcomes.resolved_positive).toEqual({ count: null, share: null, suppressed: true });
      expect(o.positiveRate).toMatchObject({ value: null, suppressed: true });
      expect(o.outcomes.resolved_negative).toEqual({ count: 0, share: 0 });
      // male (2) is below 5 and alone, so the next smallest group (female, 7) is folded with it.
      expect(res.body.groups.map((g: any) => g.key)).toEqual(['suppressed']);
      expect(res.body.groups[0]).toMatchObject({ received: 9, suppressed: true, label: expect.stringContaining('combined') });
      expect(res.body.definitions.suppressed).toMatch(/not named/);
    });

    it('shows admins every count', async () => {
      const res = await get(`/api/v1/stats/resolution?from=2022-01-01&to=2022-12-31&groupBy=gender&city=${city.BKH}`).expect(200);
      const byKey = Object.fromEntries(res.body.groups.map((g: any) => [g.key, g]));
      expect(byKey.male).toMatchObject({ received: 2, suppressed: false });
      expect(res.body.overall.inProgress).toEqual({ count: 1, share: 1 / 9 });
    });

    it('refuses a KPAC member another city', async () => {
      await get(`/api/v1/stats/resolution?city=${city.DSH}`, bkhMember.token).expect(403);
      const own = await get('/api/v1/stats/resolution?from=2022-01-01&to=2022-12-31', dshMember.token).expect(200);
      expect(own.body.overall.received).toBe(5);
    });

    it('holds a facility admin to their facility', async () => {
      const res = await get('/api/v1/stats/resolution?from=2022-01-01&to=2022-12-31&groupBy=facility', f1Admin.token).expect(200);
      expect(res.body.scope).toEqual({ city: null, facility: f1.id });
      expect(res.body.overall.received).toBe(6);
      expect(res.body.groups).toEqual([expect.objectContaining({ key: f1.id, label: 'Bokhtar OST site', received: 6 })]);
      await get(`/api/v1/stats/resolution?facility=${f2.id}`, f1Admin.token).expect(403);
    });

    it('validates the query', async () => {
      const bad = await get('/api/v1/stats/resolution?groupBy=religion').expect(400);
      expect(JSON.stringify(bad.body.message)).toContain('groupBy');
      await get('/api/v1/stats/resolution?from=2023-02-30').expect(400);
      const order = await get('/api/v1/stats/resolution?from=2023-03-01&to=2023-02-01').expect(400);
      expect(order.body.message).toContain('must not be after');
      await t.http().get('/api/v1/stats/resolution').expect(401);
    });
  });

  describe('feedback', () => {
    beforeAll(async () => {
      const r = (v: number) => ({ waitingTime: v, staffAttitude: 5, openingHours: 2, confidentiality: 4, overall: v });
      await insertFeedback(t, f1.id, '2026-01-10T08:00:00Z', [r(1), r(2), r(3), r(4), r(5), r(5)]);
      await insertFeedback(t, f1.id, '2026-04-10T08:00:00Z', [r(3)]);
      await insertFeedback(t, f2.id, '2026-01-10T08:00:00Z', [r(4), r(2)]);
    });

    it('gives count and mean of each dimension per facility and quarter', async () => {
      const res = await get('/api/v1/stats/feedback?from=2026-01-01&to=2026-12-31').expect(200);
      const rows = res.body.items.map((i: any) => [i.facility, i.quarter, i.ratings]);
      expect(rows).toEqual(
        expect.arrayContaining([
          ['Bokhtar OST site', '2026-Q1', 6],
          ['Bokhtar OST site', '2026-Q2', 1],
          ['Dushanbe AIDS centre', '2026-Q1', 2],
        ]),
      );
      const q1 = res.body.items.find((i: any) => i.facilityId === f1.id && i.quarter === '2026-Q1');
      expect(q1.means).toEqual({ waitingTime: 3.33, staffAttitude: 5, openingHours: 2, confidentiality: 4, overall: 3.33 });
    });

    it('scopes and suppresses for a KPAC member: the one small item is folded with the next smallest', async () => {
      const res = await get('/api/v1/stats/feedback?from=2026-01-01&to=2026-12-31', bkhMember.token).expect(200);
      expect(res.body.items.every((i: any) => i.facilityId === f1.id || i.key === 'suppressed')).toBe(true);
      expect(res.body.items.find((i: any) => i.quarter === '2026-Q2')).toBeUndefined();
      // Q2's single rating and Q1's six: named neither, combined in one item.
      expect(res.body.items).toEqual([
        { key: 'suppressed', facilityId: null, facility: null, cityId: null, quarter: null, ratings: 7, suppressed: true, means: { waitingTime: 3.29, staffAttitude: 5, openingHours: 2, confidentiality: 4, overall: 3.29 } },
      ]);
      expect(res.body.note).toMatch(/not named/);
    });
  });

  describe('councils', () => {
    beforeAll(async () => {
      const { council } = await cityByCode(t, 'KLB');
      const now = t.clock.now();
      await t.db.transaction(async ({ em }) => {
        const add = async (name: string, termStart: string, endedOn: string | null, trainings: string[]) => {
          const m = await em.save(Member, em.create(Member, { councilId: council.id, name, createdAt: now }));
          await em.insert(Term, {
            memberId: m.id,
            councilId: council.id,
            constituency: 'plhiv',
            termStart,
            termEnd: addMonths(termStart, 24),
            endedOn,
            endReason: endedOn ? 'removed' : null,
            createdAt: now,
          });
          for (const date of trainings) await em.insert(Training, { memberId: m.id, topic: 'Complaint handling', date, createdAt: now });
        };
        await add('A', '2024-01-01', null, ['2025-05-05']);
        await add('B', '2025-03-01', null, ['2025-04-01', '2025-09-01', '2026-02-01']);
        await add('C', '2024-06-01', '2025-06-01', []);
      });
    });

    it('reports seats, vacancy days, turnover, tenure and trainings', async () => {
      const res = await get(`/api/v1/stats/councils?from=2025-01-01&to=2025-12-31&city=${city.KLB}`).expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({
        cityCode: 'KLB',
        seats: 4,
        filledNow: 1,
        vacantNow: 3,
        // Jan–Feb: 2 seats held (59 days × 2 vacant); Mar–May: 3 held (92 × 1); Jun–Dec: 2 held (214 × 2).
        vacancyDays: 59 * 2 + 92 + 214 * 2,
        termsStarted: 1,
        termsEnded: 2,
        termsEndedEarly: 1,
        meanTenureDays: (731 + 365) / 2,
        trainings: 3,
        membersInPeriod: 3,
        trainingsPerMember: 1,
      });
    });

    it('shows a KPAC member their own council only and refuses facility admins', async () => {
      const res = await get('/api/v1/stats/councils', bkhMember.token).expect(200);
      expect(res.body.items.map((i: any) => i.cityCode)).toEqual(['BKH']);
      expect(res.body.items[0].filledNow).toBe(1);
      expect(res.body.period).toMatchObject({ from: '2026-01-01', to: '2026-03-02' });
      await get('/api/v1/stats/councils', f1Admin.token).expect(403);
    });
  });
  describe('sla', () => {
    let authority: Facility;
    beforeAll(async () => {
      authority = await seedFacility(t, 'BKH', { name: 'Bokhtar health department', type: 'authority' });
      const ids = await insertComplaints(t, times(7, { cityId: city.BKH, receivedAt: '2025-03-01T06:00:00Z', status: 'escalated', facilityId: f1.id }));
      const created = Date.parse('2025-03-01T08:00:00Z');
      const day = 86_400_000;
      const esc = (i: number, facilityId: number, state: string, respondedAfterDays: number | null, parent: number | null = null, at = created) => ({
        complaintId: ids[i],
        cityId: city.BKH,
        facilityId,
        rung: parent ? 2 : 1,
        parentEscalationId: parent,
        summary: 'A service user reports that opening hours prevent access.',
        discloseIdentity: false,
        dueAt: new Date(at + 10 * day),
        deliveryState: 'sent',
        responseState: state,
        response: respondedAfterDays === null ? null : 'We changed the hours.',
        respondedAt: respondedAfterDays === null ? null : new Date(at + respondedAfterDays * day),
        respondedBy: null,
        tokenHash: null,
        tokenEnc: null,
        tokenExpiresAt: new Date(at + 24 * day),
        tokenUsedAt: null,
        createdBy: null,
        createdAt: new Date(at),
        updatedAt: new Date(at),
        lastError: null,
      });
      await t.db.transaction(async ({ em }) => {
        for (const [i, d] of [[0, 1], [1, 2], [2, 4], [3, 12]] as const) await em.insert(Escalation, esc(i, f1.id, 'responded', d) as any);
        await em.insert(Escalation, esc(4, f1.id, 'awaiting', null) as any);
        const parent = await em.insert(Escalation, esc(5, f1.id, 'overdue', null) as any);
        await em.insert(Escalation, esc(5, authority.id, 'awaiting', null, Number(parent.identifiers[0].id), created + 10 * day) as any);
      });
    });

    it('reports response times, SLA compliance, overdue and the ladder per facility', async () => {
      const res = await get('/api/v1/stats/sla?from=2025-01-01&to=2025-12-31').expect(200);
      const site = res.body.items.find((i: any) => i.facilityId === f1.id);
      expect(site).toMatchObject({
        facility: 'Bokhtar OST site',
        slaDays: 10,
        escalations: 6,
        responded: 4,
        respondedWithinSla: { count: 3, share: 0.5 },
        medianDaysToResponse: 2,
        p90DaysToResponse: 12,
        overdueNow: 2,
        escalatedUp: 1,
      });
      const up = res.body.items.find((i: any) => i.facilityId === authority.id);
      expect(up).toMatchObject({ escalations: 1, responded: 0, overdueNow: 1, escalatedUp: 0 });
    });

    it('folds small facilities for a KPAC member and holds a facility admin to their facility', async () => {
      const res = await get('/api/v1/stats/sla?from=2025-01-01&to=2025-12-31', bkhMember.token).expect(200);
      // The authority's one escalation is not named; the site (6) is folded with it, as the next smallest.
      expect(res.body.items.map((i: any) => i.facilityId)).toEqual([null]);
      expect(res.body.items[0]).toMatchObject({ key: 'suppressed', suppressed: true, escalations: 7, responded: null, respondedWithinSla: { suppressed: true }, overdueNow: null, medianDaysToResponse: null });
      expect(JSON.stringify(res.body)).not.toContain('Bokhtar health department');
      expect(res.body.definitions.suppressed).toMatch(/not named/);
      const own = await get('/api/v1/stats/sla?from=2025-01-01&to=2025-12-31', f1Admin.token).expect(200);
      expect(own.body.items.map((i: any) => i.facilityId)).toEqual([f1.id]);
    });
  });

  describe('through the intake and workflow routes', () => {
    it('counts what the public form and staff intake store, in the right quarter', async () => {
      const submit = (body: object) => t.http().post('/api/v1/public/complaints').send(body).expect(201);
      const a = await submit({ cityId: city.KHJ, category: 'staff_attitude', description: 'Staff shouted at me at the AIDS centre.', keyPopulations: ['plhiv', 'people_who_use_drugs'], gender: 'female', ageGroup: '19-35' });
      const b = await submit({ cityId: city.KHJ, category: 'other', description: 'Buy cheap watches at my shop today.' });
      const idOf = async (reference: string) =>
        Number((await t.db.manager.query(t.db.isSqlite ? 'SELECT id FROM complaints WHERE reference = ?' : 'SELECT id FROM complaints WHERE reference = $1', [reference]))[0].id);
      const admin = (path: string, body: object) => t.http().post(path).set(bearer(t.adminToken)).send(body);
      const idA = await idOf(a.body.reference);
      await admin(`/api/v1/complaints/${idA}/triage`, { decision: 'accept' }).expect(200);
      await admin(`/api/v1/complaints/${idA}/resolution`, { outcome: 'resolved_positive' }).expect(200);
      await admin(`/api/v1/complaints/${await idOf(b.body.reference)}/triage`, { decision: 'reject', reason: 'spam' }).expect(200);
      // A paper form received on the first day of Q2 (Dushanbe), entered ten days later.
      t.clock.set('2026-04-10T06:00:00Z');
      t.adminToken = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      await t.http().post('/api/v1/complaints').set(bearer(t.adminToken)).send({ cityId: city.KHJ, category: 'opening_hours', description: 'The site closes at noon.', receivedAt: '2026-04-01', keyPopulations: ['plhiv'] }).expect(201);

      const q = await get(`/api/v1/stats/resolution?from=2026-01-01&to=2026-12-31&city=${city.KHJ}&groupBy=quarter`).expect(200);
      expect(q.body.overall.received).toBe(2);
      expect(q.body.overall.positiveRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
      expect(q.body.groups.map((g: any) => [g.key, g.received, g.inProgress.count])).toEqual([
        ['2026-Q1', 1, 0],
        ['2026-Q2', 1, 1],
      ]);
      const kp = await get(`/api/v1/stats/resolution?from=2026-01-01&to=2026-12-31&city=${city.KHJ}&groupBy=keyPopulation`).expect(200);
      const byKey = Object.fromEntries(kp.body.groups.map((g: any) => [g.key, g.received]));
      expect(byKey).toEqual({ plhiv: 2, people_who_use_drugs: 1 });
    });
  });
});
