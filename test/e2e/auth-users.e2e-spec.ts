import { AuditEvent } from '../../src/audit/audit-event.entity';
import { bearer, seedFacility, seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';

/** Logins, account throttling, staff accounts and the audit trail. */
describe('auth, users and audit (HTTP)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    // The per-IP limit on the login route is covered elsewhere; here only the per-account one counts.
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '0' } });
    admin = bearer(t.adminToken);
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string, otp?: string) => t.http().post('/api/v1/auth/login').send({ email, password, otp });

  describe('login', () => {
    it('issues a bearer token that opens staff routes', async () => {
      const res = await login(ADMIN_EMAIL.toUpperCase(), ADMIN_PASSWORD, await t.otp(ADMIN_EMAIL)).expect(200);
      expect(res.body).toEqual({ accessToken: expect.any(String), expiresIn: 3600 });
      await t.http().get('/api/v1/users').set(bearer(res.body.accessToken)).expect(200);
      await t.http().get('/api/v1/users').set(bearer(res.body.accessToken + 'x')).expect(401);
      await t.http().get('/api/v1/users').set({ authorization: 'Basic abc' }).expect(401);
    });

    it('answers a wrong password and an unknown account the same way', async () => {
      const wrong = await login(ADMIN_EMAIL, 'not-the-password').expect(401);
      const unknown = await login('nobody@test.kpac', 'not-the-password').expect(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), code: 'UNAUTHORIZED' });
    });

    it('locks an account for 15 minutes after 5 failures, whether or not it exists', async () => {
      const member = await seedMember(t, 'DSH', { login: false });
      for (let i = 0; i < 5; i++) await login(member.email, 'wrong-password-xx').expect(401);
      const locked = await login(member.email, STAFF_PASSWORD).expect(429);
      expect(locked.body.message).toContain('15 minutes');

      for (let i = 0; i < 5; i++) await login('ghost@test.kpac', 'wrong-password-xx').expect(401);
      const ghost = await login('ghost@test.kpac', 'wrong-password-xx').expect(429);
      expect(ghost.body).toEqual(locked.body);

      t.clock.advanceMs(14 * 60_000);
      await login(member.email, STAFF_PASSWORD).expect(429);
      t.clock.advanceMs(60_000 + 1);
      await login(member.email, STAFF_PASSWORD).expect(200);
      // A success clears the count.
      for (let i = 0; i < 4; i++) await login(member.email, 'wrong-password-xx').expect(401);
      await login(member.email, STAFF_PASSWORD).expect(200);
    });

    it('records logins and failures in the audit trail without e-mail addresses', async () => {
      const res = await t.http().get('/api/v1/audit?entity=user&limit=500').set(admin).expect(200);
      const actions = res.body.items.map((e: AuditEvent) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']));
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('@test.kpac');
      expect(text).not.toContain('wrong-password');
    });
  });

  describe('staff accounts', () => {
    it('creates a council member account that is scoped to its council', async () => {
      const m = await seedMember(t, 'KHJ', { login: false });
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(admin)
        .send({ email: 'New.Member@Test.kpac', password: 'long-enough-password', role: 'kpac_member', memberId: m.memberId })
        .expect(201);
      expect(created.body).toMatchObject({ email: 'new.member@test.kpac', role: 'kpac_member', memberId: m.memberId, facilityId: null, active: true });
      expect(created.body.passwordHash).toBeUndefined();
      const token = (await login('new.member@test.kpac', 'long-enough-password').expect(200)).body.accessToken;
      const councils = await t.http().get('/api/v1/councils').set(bearer(token)).expect(200);
      expect(councils.body.map((c: { id: number }) => c.id)).toEqual([m.councilId]);
      await t.http().get('/api/v1/users').set(bearer(token)).expect(403);
      await t.http().get('/api/v1/audit').set(bearer(token)).expect(403);
    });

    it('creates a facility admin account', async () => {
      const f = await seedFacility(t, 'KLB');
      const res = await t
        .http()
        .post('/api/v1/users')
        .set(admin)
        .send({ email: 'head@klb-site.test', password: 'long-enough-password', role: 'facility_admin', facilityId: f.id })
        .expect(201);
      expect(res.body).toMatchObject({ role: 'facility_admin', facilityId: f.id, memberId: null });
      // A facility administrator sets up the second factor at the first login (the harness does it through the API).
      const token = await t.login('head@klb-site.test', 'long-enough-password');
      const list = await t.http().get('/api/v1/facilities').set(bearer(token)).expect(200);
      expect(list.body.map((x: { id: number }) => x.id)).toEqual([f.id]);
    });

    it('validates accounts', async () => {
      const post = (body: Record<string, unknown>) => t.http().post('/api/v1/users').set(admin).send(body);
      const bad = await post({ email: 'x', password: 'short', role: 'root' }).expect(400);
      expect(bad.body.message).toEqual(
        expect.arrayContaining([expect.stringContaining('email'), expect.stringContaining('password must be at least 12'), expect.stringContaining('role must be one of')]),
      );
      expect((await post({ email: 'a@b.test', password: 'long-enough-password', role: 'kpac_member' }).expect(400)).body.message).toContain('memberId is required');
      expect((await post({ email: 'a@b.test', password: 'long-enough-password', role: 'facility_admin' }).expect(400)).body.message).toContain('facilityId is required');
      expect((await post({ email: 'a@b.test', password: 'long-enough-password', role: 'kpac_member', memberId: 999_999 }).expect(400)).body.message).toContain(
        'memberId 999999 does not exist',
      );
      expect((await post({ email: 'a@b.test', password: 'long-enough-password', role: 'admin', facilityId: 1 }).expect(400)).body.message).toContain('only for facility_admin');
      const dup = await post({ email: ADMIN_EMAIL.toUpperCase(), password: 'long-enough-password', role: 'admin' }).expect(409);
      expect(dup.body.message).toContain('already exists');
    });

    it('deactivating an account or changing its password ends the sessions already issued', async () => {
      const created = await t.http().post('/api/v1/users').set(admin).send({ email: 'second.admin@test.kpac', password: 'first-password-123', role: 'admin' }).expect(201);
      const token = await t.login('second.admin@test.kpac', 'first-password-123');
      await t.http().get('/api/v1/users').set(bearer(token)).expect(200);

      await t.http().patch(`/api/v1/users/${created.body.id}`).set(admin).send({ password: 'second-password-456' }).expect(200);
      await t.http().get('/api/v1/users').set(bearer(token)).expect(401);
      await login('second.admin@test.kpac', 'first-password-123').expect(401);
      const token2 = await t.login('second.admin@test.kpac', 'second-password-456');

      await t.http().patch(`/api/v1/users/${created.body.id}`).set(admin).send({ active: false }).expect(200);
      await t.http().get('/api/v1/users').set(bearer(token2)).expect(401);
      await login('second.admin@test.kpac', 'second-password-456').expect(401);
      await t.http().patch('/api/v1/users/999999').set(admin).send({ active: false }).expect(404);
    });
  });

  describe('audit trail', () => {
    it('is readable by admins, filterable, paginated, and holds no personal data', async () => {
      const page1 = await t.http().get('/api/v1/audit?limit=3').set(admin).expect(200);
      expect(page1.body.items).toHaveLength(3);
      expect(page1.body.nextCursor).toEqual(page1.body.items[2].id);
      const page2 = await t.http().get(`/api/v1/audit?limit=3&cursor=${page1.body.nextCursor}`).set(admin).expect(200);
      expect(page2.body.items[0].id).toBeLessThan(page1.body.items[2].id);

      const creates = await t.http().get('/api/v1/audit?entity=user&limit=500').set(admin).expect(200);
      const userCreates = creates.body.items.filter((e: AuditEvent) => e.action === 'user.create');
      expect(userCreates.length).toBeGreaterThanOrEqual(3);
      expect(userCreates.every((e: AuditEvent) => e.actorType === 'admin' && typeof e.actorUserId === 'number')).toBe(true);

      const future = await t.http().get('/api/v1/audit?from=2030-01-01').set(admin).expect(200);
      expect(future.body.items).toEqual([]);
      await t.http().get('/api/v1/audit?from=yesterday').set(admin).expect(400);

      const all = JSON.stringify((await t.http().get('/api/v1/audit?limit=500').set(admin).expect(200)).body);
      for (const secret of ['new.member@test.kpac', 'head@klb-site.test', 'second.admin@test.kpac', 'long-enough-password', 'first-password-123']) {
        expect(all).not.toContain(secret);
      }
    });

    it('writes no passwords, e-mail addresses or tokens to the log', async () => {
      const text = t.logs.text();
      expect(text.length).toBeGreaterThan(0);
      for (const secret of [ADMIN_PASSWORD, STAFF_PASSWORD, 'long-enough-password', 'second.admin@test.kpac', 'new.member@test.kpac', t.adminToken]) {
        expect(text).not.toContain(secret);
      }
    });
  });
});
