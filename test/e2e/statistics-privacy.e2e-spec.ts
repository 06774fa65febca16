import fc from 'fast-check';
import { AGE_GROUPS, CATEGORIES, GENDERS, KEY_POPULATIONS, OUTCOMES } from '../../src/complaints/complaint.constants';
import type { Facility } from '../../src/facilities/facility.entity';
import { bearer, cityByCode, seedFacility, seedFacilityAdmin, seedMember, SeededMember, SeededStaff, STAFF_PASSWORD } from '../support/fixtures';
import { ComplaintSpec, insertComplaints, insertFeedback, times } from '../support/stats-fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';
import { completeWebLogin, Jar } from '../support/web-client';

/**
 * Issue 10, item 7: statistics a non-admin reads name no group below STATS_MIN_CELL (5 here), give
 * no hidden count away by differencing, refuse facility admins the profile groupings, and answer
 * for whole months. Each test attempts the leak through the HTTP API and expects it to fail closed.
 */
describe('statistics for non-admins (HTTP)', () => {
  let t: TestApp;
  let bkh: number;
  let site: Facility;
  let member: SeededMember;
  let siteAdmin: SeededStaff;
  const K = 5;

  const get = (path: string, token = t.adminToken) => t.http().get(path).set(bearer(token));
  const byKey = (groups: any[]) => Object.fromEntries(groups.map((g) => [String(g.key), g]));

  beforeAll(async () => {
    t = await createTestApp();
    bkh = (await cityByCode(t, 'BKH')).city.id;
    site = await seedFacility(t, 'BKH', { name: 'Bokhtar methadone site' });
    member = await seedMember(t, 'BKH');
    siteAdmin = await seedFacilityAdmin(t, site.id);
    const may = '2012-05-10T08:00:00Z';
    await insertComplaints(t, [
      // female 18: positive 10, negative 2, in progress 6
      ...times(10, { cityId: bkh, receivedAt: may, gender: 'female', outcome: 'resolved_positive' }),
      ...times(2, { cityId: bkh, receivedAt: may, gender: 'female', outcome: 'resolved_negative' }),
      ...times(6, { cityId: bkh, receivedAt: may, gender: 'female', status: 'in_review' }),
      // male 13: positive 8, in progress 5
      ...times(8, { cityId: bkh, receivedAt: may, gender: 'male', outcome: 'resolved_positive' }),
      ...times(5, { cityId: bkh, receivedAt: may, gender: 'male', status: 'escalated' }),
      // one transgender woman, resolved positively: the person the leak would name
      { cityId: bkh, receivedAt: may, gender: 'transgender_female', outcome: 'resolved_positive' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('rule 1: groups below k are folded into one suppressed row', () => {
    it('an admin sees the group of one; a member does not, and total minus the named groups is two groups, not one', async () => {
      const admin = await get('/api/v1/stats/resolution?from=2012-05-01&to=2012-05-31&groupBy=gender').expect(200);
      expect(byKey(admin.body.groups).transgender_female).toMatchObject({ received: 1, suppressed: false });
      expect(admin.body.suppressionThreshold).toBeNull();
      expect(admin.body.groups.some((g: any) => g.key === 'suppressed')).toBe(false);

      const res = await get('/api/v1/stats/resolution?from=2012-05-01&to=2012-05-31&groupBy=gender', member.token).expect(200);
      expect(res.body.groups.map((g: any) => g.key)).toEqual(['female', 'suppressed']);
      expect(JSON.stringify(res.body)).not.toMatch(/transgender|"male"/);
      const g = byKey(res.body.groups);
      // The lone small group took the next smallest (male, 13) with it: 13 + 1.
      expect(g.suppressed).toMatchObject({ received: 14, suppressed: true, outcomes: { resolved_positive: { count: 9 } }, inProgress: { count: 5 } });
      expect(res.body.overall.received - g.female.received).toBe(14);
      expect(res.body.definitions.suppressed).toMatch(/not named/);
    });

    it('a member grouping by key population, age group or facility sees no small group either', async () => {
      for (const groupBy of ['keyPopulation', 'ageGroup', 'facility', 'category', 'quarter']) {
        const res = await get(`/api/v1/stats/resolution?from=2012-05-01&to=2012-05-31&groupBy=${groupBy}`, member.token).expect(200);
        for (const grp of res.body.groups) if (grp.received !== null) expect({ groupBy, key: grp.key, small: grp.received > 0 && grp.received < K }).toEqual({ groupBy, key: grp.key, small: false });
      }
    });
  });

  describe('rule 2: a hidden count has a hidden companion in its row and its column', () => {
    it('received minus the visible cells of a group does not give its small cell', async () => {
      const res = await get('/api/v1/stats/resolution?from=2012-05-01&to=2012-05-31&groupBy=gender', member.token).expect(200);
      const female = byKey(res.body.groups).female;
      expect(female.received).toBe(18);
      expect(female.outcomes.resolved_negative).toEqual({ count: null, share: null, suppressed: true });
      // The complement: in progress (6), so 18 − 10 = 8 is two unknown counts, not the 2 negatives.
      expect(female.inProgress).toEqual({ count: null, share: null, suppressed: true });
      expect(female.outcomes.resolved_positive.count).toBe(10);
      const visible = [...Object.values(female.outcomes), female.inProgress].reduce((s: number, c: any) => s + (c.count ?? 0), 0);
      expect(female.received - visible).toBe(8);
      // Its closed-cases rate would give in progress back (received − closed): hidden too.
      expect(female.closedPositiveRate).toMatchObject({ value: null, suppressed: true });
      expect(female.positiveRate).toEqual({ value: 10 / 18, numerator: 10, denominator: 18 });
    });

    it('the overall cell minus the groups does not give a group cell, and the overall reads the same with or without grouping', async () => {
      const grouped = await get('/api/v1/stats/resolution?from=2012-05-01&to=2012-05-31&groupBy=gender', member.token).expect(200);
      const plain = await get('/api/v1/stats/resolution?from=2012-05-01&to=2012-05-31', member.token).expect(200);
      const o = grouped.body.overall;
      expect(o).toEqual(plain.body.overall);
      expect(o.received).toBe(32);
      // Overall negatives (2) are hidden, so the negatives column cannot be differenced.
      expect(o.outcomes.resolved_negative.count).toBeNull();
      expect(o.inProgress.count).toBeNull();
      expect(o.outcomes.resolved_positive.count).toBe(19);
    });
  });

  describe('facility administrators and profile groupings', () => {
    it.each(['keyPopulation', 'gender', 'ageGroup'])('refuses a facility admin groupBy=%s with 403 naming the reason; a member may', async (groupBy) => {
      const res = await get(`/api/v1/stats/resolution?groupBy=${groupBy}`, siteAdmin.token).expect(403);
      expect(res.body.message).toMatch(new RegExp(`cannot group statistics by ${groupBy}.*people who complained`));
      await get(`/api/v1/stats/resolution?groupBy=${groupBy}`, member.token).expect(200);
    });

    it('still answers a facility admin by category or quarter, for their facility only', async () => {
      const res = await get('/api/v1/stats/resolution?groupBy=category', siteAdmin.token).expect(200);
      expect(res.body.scope).toEqual({ city: null, facility: site.id });
    });
  });

  describe('whole calendar months for non-admins', () => {
    beforeAll(async () => {
      // Six waiting-time complaints about the site early in June, then one about a confidentiality breach on the 20th.
      await insertComplaints(t, [
        ...times(6, { cityId: bkh, receivedAt: '2012-06-03T08:00:00Z', facilityId: site.id, category: 'waiting_time', gender: 'female' }),
        { cityId: bkh, receivedAt: '2012-06-20T08:00:00Z', facilityId: site.id, category: 'confidentiality_breach', gender: 'male' },
      ]);
      const r = { waitingTime: 3, staffAttitude: 3, openingHours: 3, confidentiality: 3, overall: 3 };
      await insertFeedback(t, site.id, '2012-06-03T08:00:00Z', times(5, {} as any).map(() => r));
      await insertFeedback(t, site.id, '2012-06-20T08:00:00Z', [{ ...r, confidentiality: 1, overall: 1 }]);
    });

    it('"until yesterday" and "until today" give a facility admin the same figures, and say which month was used', async () => {
      const admin19 = await get('/api/v1/stats/resolution?from=2012-06-01&to=2012-06-19&groupBy=category').expect(200);
      const admin20 = await get('/api/v1/stats/resolution?from=2012-06-01&to=2012-06-20&groupBy=category').expect(200);
      expect(admin20.body.overall.received - admin19.body.overall.received).toBe(1);
      expect(admin19.body.period).toMatchObject({ from: '2012-06-01', to: '2012-06-19', wholeMonths: false });

      const a = await get('/api/v1/stats/resolution?from=2012-06-01&to=2012-06-19&groupBy=category', siteAdmin.token).expect(200);
      const b = await get('/api/v1/stats/resolution?from=2012-06-01&to=2012-06-20&groupBy=category', siteAdmin.token).expect(200);
      expect(a.body.period).toEqual({ from: '2012-06-01', to: '2012-06-30', timeZone: 'Asia/Dushanbe', basis: 'receivedAt', wholeMonths: true, requested: { from: '2012-06-01', to: '2012-06-19' } });
      expect(b.body.period.requested).toEqual({ from: '2012-06-01', to: '2012-06-20' });
      const { period: _pa, ...restA } = a.body;
      const { period: _pb, ...restB } = b.body;
      expect(restA).toEqual(restB);
      expect(JSON.stringify(a.body.groups)).not.toContain('confidentiality_breach');
    });

    it('a one-day window of a member is the whole month', async () => {
      const day = await get('/api/v1/stats/resolution?from=2012-06-20&to=2012-06-20&groupBy=gender', member.token).expect(200);
      const month = await get('/api/v1/stats/resolution?from=2012-06-01&to=2012-06-30&groupBy=gender', member.token).expect(200);
      expect(day.body.period).toMatchObject({ from: '2012-06-01', to: '2012-06-30', requested: { from: '2012-06-20', to: '2012-06-20' } });
      expect(day.body.overall).toEqual(month.body.overall);
      expect(day.body.groups).toEqual(month.body.groups);
      expect(day.body.overall.received).toBe(7);
    });

    it('an open end runs to the end of the current month', async () => {
      const res = await get('/api/v1/stats/resolution', member.token).expect(200);
      expect(res.body.period).toMatchObject({ from: null, to: '2026-03-31', wholeMonths: true, requested: { from: null, to: null } });
    });

    it('snaps /stats/feedback and /stats/sla too, and folds the small feedback item', async () => {
      const fb19 = await get('/api/v1/stats/feedback?from=2012-06-01&to=2012-06-19', siteAdmin.token).expect(200);
      const fb20 = await get('/api/v1/stats/feedback?from=2012-06-01&to=2012-06-20', siteAdmin.token).expect(200);
      expect(fb19.body.period).toMatchObject({ from: '2012-06-01', to: '2012-06-30', basis: 'createdAt', wholeMonths: true });
      expect(fb19.body.items).toEqual(fb20.body.items);
      // Six ratings in one item: named, and the 20 June rating only as part of its mean.
      expect(fb19.body.items).toEqual([expect.objectContaining({ facilityId: site.id, quarter: '2012-Q2', ratings: 6 })]);
      const sla = await get('/api/v1/stats/sla?from=2012-06-10&to=2012-06-12', member.token).expect(200);
      expect(sla.body.period).toMatchObject({ from: '2012-06-01', to: '2012-06-30', basis: 'escalation createdAt', wholeMonths: true });
      const adminSla = await get('/api/v1/stats/sla?from=2012-06-10&to=2012-06-12').expect(200);
      expect(adminSla.body.period).toMatchObject({ from: '2012-06-10', to: '2012-06-12', wholeMonths: false });
    });

    it('/stats/councils keeps the period asked for (seats, not people) and says so', async () => {
      const res = await get('/api/v1/stats/councils?from=2026-01-10&to=2026-02-10', member.token).expect(200);
      expect(res.body.period).toMatchObject({ from: '2026-01-10', to: '2026-02-10', wholeMonths: false });
    });
  });

  /**
   * Property through the real API: random small datasets, each in a month of its own, queried by
   * a member with a random grouping and a random window inside that month.
   */
  describe('property: any member query over random small data', () => {
    let klbMember: SeededMember;
    let klb: number;
    let klbFacilities: Facility[];
    let month = 0;

    beforeAll(async () => {
      const c = await cityByCode(t, 'KLB');
      klb = c.city.id;
      klbMember = await seedMember(t, 'KLB');
      klbFacilities = [await seedFacility(t, 'KLB'), await seedFacility(t, 'KLB')];
    });

    it('names no group of 1..k-1, shows no count of 1..k-1, and leaves no hidden count alone in its row', async () => {
      const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
      const complaint = fc.record({
        gender: fc.option(pick(GENDERS.slice(0, 3)), { nil: null }),
        ageGroup: fc.option(pick(AGE_GROUPS.slice(1, 4)), { nil: null }),
        category: pick(CATEGORIES.slice(0, 3)),
        keyPopulations: fc.subarray(KEY_POPULATIONS.slice(0, 3) as string[], { maxLength: 2 }),
        facility: fc.nat({ max: 2 }),
        outcome: fc.option(pick(OUTCOMES.slice(0, 4)), { nil: null, freq: 3 }),
        day: fc.integer({ min: 1, max: 28 }),
      });
      const query = fc.record({
        groupBy: pick(['gender', 'ageGroup', 'category', 'keyPopulation', 'facility', 'quarter', null] as const),
        from: fc.integer({ min: 1, max: 28 }),
        span: fc.integer({ min: 0, max: 27 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(complaint, { minLength: 1, maxLength: 24 }), query, async (complaints, q) => {
          const m = month++;
          const ym = `${2000 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
          const dd = (d: number) => `${ym}-${String(d).padStart(2, '0')}`;
          const specs: ComplaintSpec[] = complaints.map((c) => ({
            cityId: klb,
            receivedAt: `${dd(c.day)}T08:00:00Z`,
            gender: c.gender,
            ageGroup: c.ageGroup,
            category: c.category,
            keyPopulations: c.keyPopulations as ComplaintSpec['keyPopulations'],
            facilityId: c.facility === 2 ? null : klbFacilities[c.facility].id,
            outcome: c.outcome,
            status: c.outcome ? 'resolved' : 'in_review',
          }));
          await insertComplaints(t, specs);
          const to = Math.min(28, q.from + q.span);
          const group = q.groupBy ? `&groupBy=${q.groupBy}` : '';
          const res = await get(`/api/v1/stats/resolution?from=${dd(q.from)}&to=${dd(to)}${group}`, klbMember.token).expect(200);
          const whole = await get(`/api/v1/stats/resolution?from=${dd(1)}&to=${dd(28)}${group}`, klbMember.token).expect(200);
          const plain = await get(`/api/v1/stats/resolution?from=${dd(1)}&to=${dd(28)}`, klbMember.token).expect(200);
          const truth = await get(`/api/v1/stats/resolution?from=${dd(1)}&to=${dd(28)}&city=${klb}${group}`).expect(200);

          // Whole months: any window inside the month is the month.
          expect(res.body.period.from).toBe(dd(1));
          expect(res.body.period.to.slice(0, 7)).toBe(ym);
          expect({ ...res.body, period: null }).toEqual({ ...whole.body, period: null });
          // The overall row reads the same with or without a grouping.
          expect(res.body.overall).toEqual(plain.body.overall);

          const rows = [res.body.overall, ...(res.body.groups ?? [])];
          const trueRows = new Map<string, any>((truth.body.groups ?? []).map((g: any) => [String(g.key), g]));
          for (const r of rows) {
            // No shown count is 1..k-1: group totals, cells, rate counts.
            const shown = [r.received, r.inProgress.count, ...Object.values(r.outcomes).map((c: any) => c.count), r.positiveRate.numerator, r.positiveRate.denominator, r.closedPositiveRate.numerator, r.closedPositiveRate.denominator];
            for (const n of shown) if (n !== null) expect(n === 0 || n >= K).toBe(true);
          }
          for (const g of res.body.groups ?? []) {
            if (g.key === 'suppressed' || g.received === null) continue;
            // A named group is what it is, and the cells it hides hold two non-zero counts or more.
            const real = trueRows.get(String(g.key));
            expect(g.received).toBe(real.received);
            const cells = [...OUTCOMES.map((o) => [g.outcomes[o].count, real.outcomes[o].count]), [g.inProgress.count, real.inProgress.count]];
            const hiddenNonZero = cells.filter(([shown, n]) => shown === null && n > 0);
            if (hiddenNonZero.some(([, n]) => n < K)) expect(hiddenNonZero.length).toBeGreaterThanOrEqual(2);
          }
          // Groups that partition: overall minus the named groups is the suppressed row, never one small group.
          if (q.groupBy && q.groupBy !== 'keyPopulation' && res.body.overall.received !== null) {
            const named = (res.body.groups ?? []).filter((g: any) => g.key !== 'suppressed');
            const rest = res.body.overall.received - named.reduce((s: number, g: any) => s + g.received, 0);
            const folded = (truth.body.groups ?? []).filter((g: any) => !named.some((n: any) => n.key === g.key));
            expect(rest).toBe(folded.reduce((s: number, g: any) => s + g.received, 0));
            if (folded.some((g: any) => g.received < K)) expect(folded.length).toBeGreaterThanOrEqual(2);
            if (rest > 0) expect(rest).toBeGreaterThanOrEqual(K);
          }
        }),
        { numRuns: Number(process.env.PROPERTY_RUNS_HTTP ?? 25) },
      );
    });
  });


  /** Last: it adds a complaint to May 2012. */
  describe('the dashboard of a council member (web)', () => {
    const page = async (jar: Jar, path: string) => jar.take(await t.http().get(path).set('cookie', jar.header()).set('accept-language', 'en'));
    async function webLogin(email: string, password = STAFF_PASSWORD): Promise<Jar> {
      const jar = new Jar();
      const form = await page(jar, '/login');
      const csrf = form.text.match(/name="_csrf" value="([^"]+)"/)![1];
      const res = jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ email, password, _csrf: csrf }));
      expect((await completeWebLogin(t, jar, email, res)).status).toBe(303);
      return jar;
    }

    beforeAll(async () => {
      const tb = await seedFacility(t, 'BKH', { name: 'Bokhtar TB dispensary', type: 'tb_facility' });
      await insertComplaints(t, [{ cityId: bkh, receivedAt: '2012-05-10T08:00:00Z', facilityId: tb.id, outcome: 'resolved_positive' }]);
    });

    it('shows the member their city with small groups as one combined bar and a one-line explanation, without script or inline style', async () => {
      const jar = await webLogin(member.email);
      const board = await page(jar, '/staff');
      expect(board.text).toContain('href="/staff/dashboard"');
      const res = await page(jar, '/staff/dashboard?from=2012-05-10&to=2012-05-12');
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain("style-src 'self'");
      expect(res.text).not.toMatch(/<script|style=/);
      expect(res.text).toContain('action="/staff/dashboard"');
      // By facility: the TB dispensary's one complaint is not named; it is part of "Other".
      expect(res.text).toContain('Positive-resolution rate by facility');
      expect(res.text).toContain('Other (small groups combined)');
      expect(res.text).not.toContain('TB dispensary');
      expect(res.text).toContain('“Other (small groups combined)” is not one place: it holds the groups with fewer than 5 complaints each, counted together and not named');
      // Figures in words, never a bare "3 (2)".
      expect(res.text).toMatch(/resolved positively: \d+ of \d+ complaints/);
      expect(res.text).not.toMatch(/\d+ \(\d+\)/);
      expect(res.text).toContain('Figures for whole calendar months: 1 May 2012 to 31 May 2012.');
      expect(res.text).toContain('33 complaints');
      expect(res.text).not.toMatch(/Transgender|transgender/);
    });

    it('is for members only; the admin dashboard stays national and unsuppressed', async () => {
      const facility = await webLogin(siteAdmin.email);
      expect((await page(facility, '/staff/dashboard')).status).toBe(403);
      const admin = await webLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
      const res = await page(admin, '/admin/dashboard?from=2012-05-10&to=2012-05-12');
      expect(res.status).toBe(200);
      expect(res.text).toContain('action="/admin/dashboard"');
      expect(res.text).not.toContain('Other (small groups combined)');
      expect(res.text).not.toContain('Figures for whole calendar months');
      expect(res.text).toContain('Positive-resolution rate by city');
      expect((await page(await webLogin(member.email), '/admin/dashboard')).status).toBe(403);
    });
  });
});
