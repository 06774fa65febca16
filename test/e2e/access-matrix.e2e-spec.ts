import { Term } from '../../src/councils/term.entity';
import { givenComplaint } from '../support/escalation-fixtures';
import { bearer, seedFacility, seedFacilityAdmin, seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';

/**
 * Every route of the API × every role × a record in the caller's scope and one outside it → the
 * documented status. The access policy (src/access/access-policy.ts) decides all of these; this
 * walks them through the real app. A route added without a row here fails the completeness test.
 *
 * Bodies are chosen so that a call reaching its record changes nothing important: writes on
 * complaints and escalations go to records in a state that refuses the action (409), so 409 proves
 * the caller got past role and scope; out of scope answers 404 exactly like a missing record.
 * Where a write has no such state, an invalid body gives 400 after the role check.
 */
type Who = 'anonymous' | 'admin' | 'kpac_member' | 'facility_admin' | 'expired_member';
type Scope = 'own' | 'other';
type Pair = [own: number, other: number];

interface Route {
  method: 'get' | 'post' | 'patch';
  path: (s: Scope) => string;
  body?: (s: Scope) => Record<string, unknown>;
  /** Statuses for [own record, other record]; a route without records has the same status twice. */
  admin: Pair;
  member: Pair;
  facility: Pair;
  /** Public routes answer every caller alike (tokens are ignored there). */
  public?: boolean;
  /** The call ends every session of the caller's account: the role logs in again afterwards. */
  fresh?: boolean;
}

const same = (n: number): Pair => [n, n];

describe('access matrix: every route × role × scope (HTTP)', () => {
  let t: TestApp;
  const tokens: Partial<Record<Who, string>> = {};
  const emails: Partial<Record<Who, string>> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '0' } });
    tokens.admin = t.adminToken;
    const member = await seedMember(t, 'BKH');
    const other = await seedMember(t, 'DSH', { login: false });
    const expired = await seedMember(t, 'BKH');
    const ownFacility = await seedFacility(t, 'BKH');
    const otherFacility = await seedFacility(t, 'DSH');
    const fa = await seedFacilityAdmin(t, ownFacility.id);
    tokens.kpac_member = member.token;
    tokens.facility_admin = fa.token;
    Object.assign(emails, { admin: ADMIN_EMAIL, kpac_member: member.email, facility_admin: fa.email });
    tokens.expired_member = expired.token;
    // The expired member logged in while seated; their seat ends today, so the token is no longer enough.
    await t.db.transaction(({ em }) => em.update(Term, { id: expired.termId }, { endedOn: '2026-03-02', endReason: 'resigned' }));

    const contact = { phone: '+992 90 000 11 22' };
    const ownResolved = await givenComplaint(t, 'BKH', { status: 'resolved', contact });
    const otherResolved = await givenComplaint(t, 'DSH', { status: 'resolved', contact });
    const ownReceived = await givenComplaint(t, 'BKH', { status: 'received' });
    const otherReceived = await givenComplaint(t, 'DSH', { status: 'received' });
    // Answered escalations: another answer is a 409 for whoever may answer, a 404 for anyone else.
    const answered = async (cityCode: string, facilityId: number) => {
      const c = await givenComplaint(t, cityCode);
      const esc = await t.http().post(`/api/v1/complaints/${c.id}/escalations`).set(bearer(t.adminToken)).send({ facilityId, summary: 'A service user reports a long wait at the window.' }).expect(202);
      await t.http().post(`/api/v1/escalations/${esc.body.id}/response`).set(bearer(t.adminToken)).send({ response: 'Noted.' }).expect(200);
      return esc.body.id as number;
    };
    Object.assign(ids, {
      ownCouncil: member.councilId,
      ownCity: member.cityId,
      otherCity: other.cityId,
      otherCouncil: other.councilId,
      ownMember: member.memberId,
      otherMember: other.memberId,
      ownFacility: ownFacility.id,
      otherFacility: otherFacility.id,
      ownResolved: ownResolved.id,
      otherResolved: otherResolved.id,
      ownReceived: ownReceived.id,
      otherReceived: otherReceived.id,
      ownEscalation: await answered('BKH', ownFacility.id),
      otherEscalation: await answered('DSH', otherFacility.id),
      adminUser: 1,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const pick = (base: string) => (s: Scope) => ids[s === 'own' ? `own${base}` : `other${base}`];
  const council = pick('Council');
  const member = pick('Member');
  const facility = pick('Facility');
  const resolved = pick('Resolved');
  const received = pick('Received');
  const escalation = pick('Escalation');
  const summary = 'A service user reports that the window closes early. The council asks the facility to review it.';

  const routes: Record<string, Route> = {
    'GET /health': { method: 'get', path: () => '/health', admin: same(200), member: same(200), facility: same(200), public: true },
    'POST /api/v1/auth/login': { method: 'post', path: () => '/api/v1/auth/login', body: () => ({}), admin: same(400), member: same(400), facility: same(400), public: true },
    'POST /api/v1/auth/2fa/enrol': { method: 'post', path: () => '/api/v1/auth/2fa/enrol', body: () => ({}), admin: same(400), member: same(400), facility: same(400), public: true },
    'POST /api/v1/auth/2fa/confirm': { method: 'post', path: () => '/api/v1/auth/2fa/confirm', body: () => ({}), admin: same(400), member: same(400), facility: same(400), public: true },
    'POST /api/v1/auth/logout': { method: 'post', path: () => '/api/v1/auth/logout', admin: same(204), member: same(204), facility: same(204), fresh: true },
    // Offered to accounts without a second factor; the admin and the facility admin have one already.
    'POST /api/v1/auth/2fa/start': { method: 'post', path: () => '/api/v1/auth/2fa/start', admin: same(409), member: same(201), facility: same(409) },
    'POST /api/v1/users/:id/2fa/reset': { method: 'post', path: () => '/api/v1/users/999999/2fa/reset', admin: same(404), member: same(403), facility: same(403) },
    'GET /api/v1/public/cities': { method: 'get', path: () => '/api/v1/public/cities', admin: same(200), member: same(200), facility: same(200), public: true },
    'GET /api/v1/public/facilities': { method: 'get', path: () => '/api/v1/public/facilities', admin: same(400), member: same(400), facility: same(400), public: true },
    'POST /api/v1/public/complaints': { method: 'post', path: () => '/api/v1/public/complaints', body: () => ({}), admin: same(400), member: same(400), facility: same(400), public: true },
    'POST /api/v1/public/complaints/track': { method: 'post', path: () => '/api/v1/public/complaints/track', body: () => ({}), admin: same(400), member: same(400), facility: same(400), public: true },
    'POST /api/v1/public/complaints/confirm': { method: 'post', path: () => '/api/v1/public/complaints/confirm', body: () => ({}), admin: same(400), member: same(400), facility: same(400), public: true },
    'POST /api/v1/public/feedback': { method: 'post', path: () => '/api/v1/public/feedback', body: () => ({}), admin: same(400), member: same(400), facility: same(400), public: true },
    'GET /api/v1/escalations/link/:token': { method: 'get', path: () => '/api/v1/escalations/link/not-a-token', admin: same(400), member: same(400), facility: same(400), public: true },
    'POST /api/v1/escalations/respond': { method: 'post', path: () => '/api/v1/escalations/respond', body: () => ({}), admin: same(400), member: same(400), facility: same(400), public: true },

    'GET /api/v1/users': { method: 'get', path: () => '/api/v1/users', admin: same(200), member: same(403), facility: same(403) },
    'POST /api/v1/users': { method: 'post', path: () => '/api/v1/users', body: () => ({}), admin: same(400), member: same(403), facility: same(403) },
    'PATCH /api/v1/users/:id': { method: 'patch', path: () => `/api/v1/users/${ids.adminUser}`, body: () => ({ active: 'x' }), admin: same(400), member: same(403), facility: same(403) },
    'GET /api/v1/audit': { method: 'get', path: () => '/api/v1/audit', admin: same(200), member: same(403), facility: same(403) },
    'GET /api/v1/cities': { method: 'get', path: () => '/api/v1/cities', admin: same(200), member: same(200), facility: same(403) },
    'POST /api/v1/cities': { method: 'post', path: () => '/api/v1/cities', body: () => ({}), admin: same(400), member: same(403), facility: same(403) },
    'GET /api/v1/councils': { method: 'get', path: () => '/api/v1/councils', admin: same(200), member: same(200), facility: same(403) },
    'POST /api/v1/councils': { method: 'post', path: () => '/api/v1/councils', body: () => ({}), admin: same(400), member: same(403), facility: same(403) },
    'GET /api/v1/councils/:id': { method: 'get', path: (s) => `/api/v1/councils/${council(s)}`, admin: same(200), member: [200, 404], facility: same(403) },
    'PATCH /api/v1/councils/:id': { method: 'patch', path: (s) => `/api/v1/councils/${council(s)}`, body: () => ({ seats: 0 }), admin: same(400), member: same(403), facility: same(403) },
    'GET /api/v1/councils/:id/members': { method: 'get', path: (s) => `/api/v1/councils/${council(s)}/members`, admin: same(200), member: [200, 404], facility: same(403) },
    'POST /api/v1/councils/:id/members': { method: 'post', path: (s) => `/api/v1/councils/${council(s)}/members`, body: () => ({}), admin: same(400), member: same(403), facility: same(403) },
    'GET /api/v1/members/:id': { method: 'get', path: (s) => `/api/v1/members/${member(s)}`, admin: same(200), member: [200, 404], facility: same(403) },
    'POST /api/v1/members/:id/terms': { method: 'post', path: (s) => `/api/v1/members/${member(s)}/terms`, body: () => ({}), admin: same(400), member: same(403), facility: same(403) },
    'POST /api/v1/members/:id/end': { method: 'post', path: (s) => `/api/v1/members/${member(s)}/end`, body: () => ({}), admin: same(400), member: same(403), facility: same(403) },
    'POST /api/v1/members/:id/trainings': { method: 'post', path: (s) => `/api/v1/members/${member(s)}/trainings`, body: () => ({}), admin: same(400), member: same(403), facility: same(403) },
    'GET /api/v1/facilities': { method: 'get', path: () => '/api/v1/facilities', admin: same(200), member: same(200), facility: same(200) },
    'GET /api/v1/facilities/:id': { method: 'get', path: (s) => `/api/v1/facilities/${facility(s)}`, admin: same(200), member: [200, 404], facility: [200, 404] },
    'POST /api/v1/facilities': { method: 'post', path: () => '/api/v1/facilities', body: () => ({}), admin: same(400), member: same(403), facility: same(403) },
    'PATCH /api/v1/facilities/:id': { method: 'patch', path: (s) => `/api/v1/facilities/${facility(s)}`, body: () => ({ slaDays: 0 }), admin: same(400), member: same(403), facility: same(403) },

    'GET /api/v1/complaints': { method: 'get', path: () => '/api/v1/complaints', admin: same(200), member: same(200), facility: same(403) },
    // Printing slips for the own city answers the PDF; another city is missing to a member.
    'POST /api/v1/slips': {
      method: 'post',
      path: () => '/api/v1/slips',
      body: (s) => ({ cityId: ids[s === 'own' ? 'ownCity' : 'otherCity'], count: 1, language: 'ru' }),
      admin: same(200),
      member: [200, 404],
      facility: same(403),
    },
    'POST /api/v1/complaints': { method: 'post', path: () => '/api/v1/complaints', body: () => ({}), admin: same(400), member: same(400), facility: same(403) },
    'GET /api/v1/complaints/:id': { method: 'get', path: (s) => `/api/v1/complaints/${resolved(s)}`, admin: same(200), member: [200, 404], facility: same(403) },
    'POST /api/v1/complaints/:id/contact/reveal': { method: 'post', path: (s) => `/api/v1/complaints/${resolved(s)}/contact/reveal`, body: () => ({}), admin: same(200), member: [200, 404], facility: same(403) },
    'POST /api/v1/complaints/:id/triage': { method: 'post', path: (s) => `/api/v1/complaints/${resolved(s)}/triage`, body: () => ({ decision: 'accept' }), admin: same(409), member: [409, 404], facility: same(403) },
    'POST /api/v1/complaints/:id/resolution': { method: 'post', path: (s) => `/api/v1/complaints/${resolved(s)}/resolution`, body: () => ({ outcome: 'resolved_positive' }), admin: same(409), member: [409, 404], facility: same(403) },
    'POST /api/v1/complaints/:id/reopen': { method: 'post', path: (s) => `/api/v1/complaints/${received(s)}/reopen`, body: () => ({}), admin: same(409), member: [409, 404], facility: same(403) },
    'POST /api/v1/complaints/:id/escalations': {
      method: 'post',
      path: (s) => `/api/v1/complaints/${resolved(s)}/escalations`,
      // The member's own city's facility either way: the other city's complaint is what is out of scope.
      body: () => ({ facilityId: ids.ownFacility, summary }),
      admin: same(409),
      member: [409, 404],
      facility: same(403),
    },
    'GET /api/v1/complaints/:id/escalations/draft': { method: 'get', path: (s) => `/api/v1/complaints/${resolved(s)}/escalations/draft?facilityId=${ids.ownFacility}`, admin: same(200), member: [200, 404], facility: same(403) },
    'GET /api/v1/escalations': { method: 'get', path: () => '/api/v1/escalations', admin: same(200), member: same(200), facility: same(200) },
    'GET /api/v1/escalations/:id': { method: 'get', path: (s) => `/api/v1/escalations/${escalation(s)}`, admin: same(200), member: [200, 404], facility: [200, 404] },
    'POST /api/v1/escalations/:id/response': { method: 'post', path: (s) => `/api/v1/escalations/${escalation(s)}/response`, body: () => ({ response: 'Once more.' }), admin: same(409), member: same(403), facility: [409, 404] },

    // Statistics: out of scope is asking for another city or facility explicitly, a 403 naming the rule.
    'GET /api/v1/stats/resolution': { method: 'get', path: (s) => `/api/v1/stats/resolution?${s === 'own' ? '' : `city=${ids.otherCity}&facility=${ids.otherFacility}`}`, admin: same(200), member: [200, 403], facility: [200, 403] },
    'GET /api/v1/stats/sla': { method: 'get', path: (s) => `/api/v1/stats/sla?${s === 'own' ? '' : `city=${ids.otherCity}&facility=${ids.otherFacility}`}`, admin: same(200), member: [200, 403], facility: [200, 403] },
    'GET /api/v1/stats/feedback': { method: 'get', path: (s) => `/api/v1/stats/feedback?${s === 'own' ? '' : `city=${ids.otherCity}&facility=${ids.otherFacility}`}`, admin: same(200), member: [200, 403], facility: [200, 403] },
    'GET /api/v1/stats/councils': { method: 'get', path: (s) => `/api/v1/stats/councils?${s === 'own' ? '' : `city=${ids.otherCity}`}`, admin: same(200), member: [200, 403], facility: same(403) },
    'GET /api/v1/exports/complaints.csv': { method: 'get', path: () => '/api/v1/exports/complaints.csv', admin: same(200), member: same(403), facility: same(403) },
    'GET /api/v1/exports/react.csv': { method: 'get', path: () => '/api/v1/exports/react.csv', admin: same(200), member: same(403), facility: same(403) },
    // Prometheus figures on the main port: admins only (METRICS_PORT serves them on loopback instead).
    'GET /metrics': { method: 'get', path: () => '/metrics', admin: same(200), member: same(403), facility: same(403) },
  };

  /** What each caller should get. */
  function expected(r: Route, who: Who, scope: Scope): number {
    const i = scope === 'own' ? 0 : 1;
    if (r.public) return r.admin[i];
    if (who === 'anonymous') return 401;
    if (who === 'expired_member') return 403;
    return (who === 'admin' ? r.admin : who === 'kpac_member' ? r.member : r.facility)[i];
  }

  const cases: Array<[string, Who, Scope]> = [];
  for (const name of Object.keys(routes)) {
    for (const who of ['anonymous', 'admin', 'kpac_member', 'facility_admin', 'expired_member'] as Who[]) {
      cases.push([name, who, 'own']);
      cases.push([name, who, 'other']);
    }
  }

  it.each(cases)('%s as %s (%s record)', async (name, who, scope) => {
    if (!ids.otherCity) ids.otherCity = (await t.db.manager.query(`SELECT city_id FROM councils WHERE id = ${ids.otherCouncil}`))[0].city_id;
    const r = routes[name];
    let req = t.http()[r.method](r.path(scope));
    const token = tokens[who];
    if (token) req = req.set(bearer(token));
    if (r.body) req = req.send(r.body(scope));
    const res = await req;
    if (r.fresh && emails[who]) tokens[who] = await t.login(emails[who]!, who === 'admin' ? ADMIN_PASSWORD : STAFF_PASSWORD);
    expect({ route: name, who, scope, status: res.status }).toEqual({ route: name, who, scope, status: expected(r, who, scope) });
    if (res.status >= 400) expect(res.body).toEqual(expect.objectContaining({ statusCode: res.status, error: expect.any(String), message: expect.anything() }));
    // Out of scope looks exactly like missing: the same body as for an id that does not exist.
    if (res.status === 404 && scope === 'other' && /\/\d+/.test(r.path(scope))) {
      let missing = t.http()[r.method](r.path(scope).replace(/\/\d+/, '/999999')).set(bearer(token!));
      if (r.body) missing = missing.send(r.body(scope));
      expect(res.body).toEqual((await missing).body);
    }
  });

  it('covers every route the API documents', async () => {
    const doc = await t.http().get('/api/docs-json').expect(200);
    const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const inMatrix = new Set(Object.keys(routes));
    expect(documented.filter((r) => !inMatrix.has(r) && r !== 'GET /api/docs-json')).toEqual([]);
  });
});
