import { Term } from '../../src/councils/term.entity';
import { bearer, seedFacility, seedFacilityAdmin, seedMember } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Each role × each foundation route × an in-scope and an out-of-scope record → expected status.
 * Writes are sent with an invalid body: a 400 proves the caller got past the guard without
 * changing anything, a 403 that the role may not call the route. Out-of-scope records answer 404.
 */
type Who = 'anonymous' | 'admin' | 'kpac_member' | 'facility_admin' | 'expired_member';
type Scope = 'own' | 'other';

interface Route {
  method: 'get' | 'post' | 'patch';
  /** Path for a record in the caller's scope and, where records are scoped, one outside it. */
  path: (s: Scope) => string;
  scoped: boolean;
  body?: Record<string, unknown>;
  /** Status for admin, kpac_member and facility_admin on an in-scope record. */
  admin: number;
  member: number;
  facility: number;
  public?: boolean;
}

describe('access matrix (HTTP)', () => {
  let t: TestApp;
  const tokens: Partial<Record<Who, string>> = {};
  const ids = { ownCouncil: 0, otherCouncil: 0, ownMember: 0, otherMember: 0, ownFacility: 0, otherFacility: 0, adminUser: 1 };

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
    tokens.expired_member = expired.token;
    // The expired member logged in while seated; their seat ends today, so the token is no longer enough.
    await t.db.transaction((em) => em.update(Term, { id: expired.termId }, { endedOn: '2026-03-02', endReason: 'resigned' }));
    Object.assign(ids, {
      ownCouncil: member.councilId,
      otherCouncil: other.councilId,
      ownMember: member.memberId,
      otherMember: other.memberId,
      ownFacility: ownFacility.id,
      otherFacility: otherFacility.id,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const council = (s: Scope) => (s === 'own' ? ids.ownCouncil : ids.otherCouncil);
  const member = (s: Scope) => (s === 'own' ? ids.ownMember : ids.otherMember);
  const facility = (s: Scope) => (s === 'own' ? ids.ownFacility : ids.otherFacility);

  const routes: Record<string, Route> = {
    'GET /health': { method: 'get', path: () => '/health', scoped: false, admin: 200, member: 200, facility: 200, public: true },
    'GET /api/docs-json': { method: 'get', path: () => '/api/docs-json', scoped: false, admin: 200, member: 200, facility: 200, public: true },
    'GET /users': { method: 'get', path: () => '/api/v1/users', scoped: false, admin: 200, member: 403, facility: 403 },
    'POST /users': { method: 'post', path: () => '/api/v1/users', scoped: false, body: {}, admin: 400, member: 403, facility: 403 },
    'PATCH /users/:id': { method: 'patch', path: () => `/api/v1/users/${ids.adminUser}`, scoped: false, body: { active: 'x' }, admin: 400, member: 403, facility: 403 },
    'GET /audit': { method: 'get', path: () => '/api/v1/audit', scoped: false, admin: 200, member: 403, facility: 403 },
    'GET /cities': { method: 'get', path: () => '/api/v1/cities', scoped: false, admin: 200, member: 200, facility: 403 },
    'POST /cities': { method: 'post', path: () => '/api/v1/cities', scoped: false, body: {}, admin: 400, member: 403, facility: 403 },
    'GET /councils': { method: 'get', path: () => '/api/v1/councils', scoped: false, admin: 200, member: 200, facility: 403 },
    'POST /councils': { method: 'post', path: () => '/api/v1/councils', scoped: false, body: {}, admin: 400, member: 403, facility: 403 },
    'GET /councils/:id': { method: 'get', path: (s) => `/api/v1/councils/${council(s)}`, scoped: true, admin: 200, member: 200, facility: 403 },
    'PATCH /councils/:id': { method: 'patch', path: (s) => `/api/v1/councils/${council(s)}`, scoped: true, body: { seats: 0 }, admin: 400, member: 403, facility: 403 },
    'GET /councils/:id/members': { method: 'get', path: (s) => `/api/v1/councils/${council(s)}/members`, scoped: true, admin: 200, member: 200, facility: 403 },
    'POST /councils/:id/members': { method: 'post', path: (s) => `/api/v1/councils/${council(s)}/members`, scoped: true, body: {}, admin: 400, member: 403, facility: 403 },
    'GET /members/:id': { method: 'get', path: (s) => `/api/v1/members/${member(s)}`, scoped: true, admin: 200, member: 200, facility: 403 },
    'POST /members/:id/terms': { method: 'post', path: (s) => `/api/v1/members/${member(s)}/terms`, scoped: true, body: {}, admin: 400, member: 403, facility: 403 },
    'POST /members/:id/end': { method: 'post', path: (s) => `/api/v1/members/${member(s)}/end`, scoped: true, body: {}, admin: 400, member: 403, facility: 403 },
    'POST /members/:id/trainings': { method: 'post', path: (s) => `/api/v1/members/${member(s)}/trainings`, scoped: true, body: {}, admin: 400, member: 403, facility: 403 },
    'GET /facilities': { method: 'get', path: () => '/api/v1/facilities', scoped: false, admin: 200, member: 200, facility: 200 },
    'GET /facilities/:id': { method: 'get', path: (s) => `/api/v1/facilities/${facility(s)}`, scoped: true, admin: 200, member: 200, facility: 200 },
    'POST /facilities': { method: 'post', path: () => '/api/v1/facilities', scoped: false, body: {}, admin: 400, member: 403, facility: 403 },
    'PATCH /facilities/:id': { method: 'patch', path: (s) => `/api/v1/facilities/${facility(s)}`, scoped: true, body: { slaDays: 0 }, admin: 400, member: 403, facility: 403 },
  };

  /** What each caller should get; out of scope, a record they could otherwise read is a 404. */
  function expected(r: Route, who: Who, scope: Scope): number {
    if (r.public) return 200;
    if (who === 'anonymous') return 401;
    if (who === 'expired_member') return 403;
    if (who === 'admin') return r.admin;
    const inScope = who === 'kpac_member' ? r.member : r.facility;
    return scope === 'other' && inScope < 400 ? 404 : inScope;
  }

  const cases: Array<[string, Who, Scope]> = [];
  for (const [name, r] of Object.entries(routes)) {
    for (const who of ['anonymous', 'admin', 'kpac_member', 'facility_admin', 'expired_member'] as Who[]) {
      cases.push([name, who, 'own']);
      if (r.scoped) cases.push([name, who, 'other']);
    }
  }

  it.each(cases)('%s as %s (%s record)', async (name, who, scope) => {
    const r = routes[name];
    let req = t.http()[r.method](r.path(scope));
    const token = tokens[who];
    if (token) req = req.set(bearer(token));
    if (r.body) req = req.send(r.body);
    const res = await req;
    expect({ route: name, who, scope, status: res.status }).toEqual({ route: name, who, scope, status: expected(r, who, scope) });
    if (res.status >= 400) expect(res.body).toEqual(expect.objectContaining({ statusCode: res.status, error: expect.any(String), message: expect.anything() }));
  });
});
