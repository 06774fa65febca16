import { AuthChallenge } from '../../src/auth/auth-challenge.entity';
import { LoginFailure } from '../../src/auth/login-failure.entity';
import { StaffSession } from '../../src/auth/staff-session.entity';
import { bearer, seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { createTestApp, sweepsOf, TestApp } from '../support/test-app';
import { completeWebLogin, csrfOf, Jar } from '../support/web-client';

/**
 * The hourly `auth.prune`: rows that can no longer let anyone in (ended sessions, expired login
 * steps, failure counters past their window) do not pile up in the database of accounts that
 * never come back; live ones stay.
 */
describe('auth.prune', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '0' } });
  });
  afterAll(async () => t?.close());

  async function webLogin(email: string): Promise<Jar> {
    const jar = new Jar();
    const page = jar.take(await t.http().get('/login'));
    const res = await completeWebLogin(t, jar, email, jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ email, password: STAFF_PASSWORD, _csrf: csrfOf(page.text) })));
    expect(res.status).toBe(303);
    return jar;
  }
  const sessionsOf = (userId: number) => t.db.manager.countBy(StaffSession, { userId });

  it('deletes idle or ended sessions, expired login steps and old failure counters, and keeps the live ones', async () => {
    const gone = await seedMember(t, 'KHJ', { login: false });
    const live = await seedMember(t, 'KHJ', { login: false });
    await webLogin(gone.email);
    t.clock.advanceMs(31 * 60_000);
    const liveJar = await webLogin(live.email);
    // A coordinator's enrolment token (10 minutes) and a wrong password (a 15-minute window).
    await t.http().post('/api/v1/users').set(bearer(t.adminToken)).send({ email: 'new.coordinator@test.kpac', password: 'coordinator-password', role: 'admin' }).expect(201);
    const step = await t.http().post('/api/v1/auth/login').send({ email: 'new.coordinator@test.kpac', password: 'coordinator-password' }).expect(403);
    expect(step.body.enrolmentToken).toBeTruthy();
    await t.http().post('/api/v1/auth/login').send({ email: live.email, password: 'not the password' }).expect(401);
    const [challenges, counters] = [await t.db.manager.count(AuthChallenge), await t.db.manager.count(LoginFailure)];
    expect(challenges).toBeGreaterThan(0);
    expect(counters).toBeGreaterThan(0);

    const first = await sweepsOf(t).run();
    expect(first.staffSessionsPruned).toBeGreaterThanOrEqual(1);
    expect(await sessionsOf(gone.userId)).toBe(0);
    expect(await sessionsOf(live.userId)).toBe(1);
    expect(await t.db.manager.count(AuthChallenge)).toBe(challenges);
    expect(await t.db.manager.count(LoginFailure)).toBe(counters);

    t.clock.advanceMs(16 * 60_000);
    const second = await sweepsOf(t).run();
    expect(second.loginStepsPruned).toBeGreaterThanOrEqual(1);
    expect(second.loginCountersPruned).toBeGreaterThanOrEqual(2);
    expect(await t.db.manager.count(AuthChallenge)).toBe(0);
    expect(await t.db.manager.count(LoginFailure)).toBe(0);
    // Used 16 minutes ago: still a session, and the page still opens.
    expect(await sessionsOf(live.userId)).toBe(1);
    expect((await t.http().get('/staff').set('cookie', liveJar.header())).status).toBe(200);
  });
});
