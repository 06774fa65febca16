import { cityByCode } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { csrfOf, Jar } from '../support/web-client';

/**
 * Issue 11, item 8: wrong tracking codes slow down the client that sends them, for that reference
 * only, with a delay that grows; a stranger on another network can never lock the complainant
 * out. TRUST_PROXY=1 and X-Forwarded-For stand for clients on different networks (the test is the
 * one proxy in front).
 */
describe('tracking attempts per reference and client (issue 11, item 8)', () => {
  let t: TestApp;
  let cityId: number;
  const STRANGER = '203.0.113.9';
  const COMPLAINANT = '198.51.100.20';

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '0', TRUST_PROXY: '1' } });
    cityId = (await cityByCode(t, 'BKH')).city.id;
  });
  afterAll(async () => t?.close());

  const submit = async () => (await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'other', description: 'The window closes early.' }).expect(201)).body as { reference: string; trackingCode: string };
  const track = (from: string, reference: string, trackingCode: string) =>
    t.http().post('/api/v1/public/complaints/track').set('x-forwarded-for', from).send({ reference, trackingCode });
  const wrongOf = (code: string) => code.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  const rows = async () => Number((await t.db.manager.query('SELECT COUNT(*) AS n FROM tracking_failures'))[0].n);

  it('a stranger hammering a reference never locks out the complainant on another network', async () => {
    const { reference, trackingCode } = await submit();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await track(STRANGER, reference, wrongOf(trackingCode))).status);
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill(404));
    expect(statuses.slice(5)).toEqual(Array(25).fill(429));
    // The complainant, elsewhere, at once:
    const mine = await track(COMPLAINANT, reference, trackingCode).expect(200);
    expect(mine.body.reference).toBe(reference);
    await t.http().post('/api/v1/public/complaints/confirm').set('x-forwarded-for', COMPLAINANT).send({ reference, trackingCode, resolvedForMe: true }).expect(409);
    // …and on the web page too.
    const jar = new Jar();
    const page = jar.take(await t.http().get('/track').set('x-forwarded-for', COMPLAINANT));
    const posted = jar.take(await t.http().post('/track').set('x-forwarded-for', COMPLAINANT).set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(page.text), reference, trackingCode }));
    expect(posted.status).toBe(303);
    const shown = await t.http().get('/track').set('x-forwarded-for', COMPLAINANT).set('cookie', jar.header());
    expect(shown.status).toBe(200);
    expect(shown.text).toContain(reference);
  });

  it('the delay grows with each further wrong code and ends; the right code then clears the count', async () => {
    const { reference, trackingCode } = await submit();
    const wrong = wrongOf(trackingCode);
    for (let i = 0; i < 5; i++) await track(STRANGER, reference, wrong).expect(404);
    const first = await track(STRANGER, reference, trackingCode).expect(429);
    expect(first.body.message).toBe('Too many wrong tracking codes for this reference from your network; try again in 1 minute');
    t.clock.advanceMs(60_000);
    await track(STRANGER, reference, wrong).expect(404); // the sixth wrong code: now two minutes
    t.clock.advanceMs(61_000);
    expect((await track(STRANGER, reference, trackingCode).expect(429)).body.message).toContain('try again in 1 minute');
    t.clock.advanceMs(60_000);
    await track(STRANGER, reference, wrong).expect(404); // the seventh: four minutes
    t.clock.advanceMs(3 * 60_000);
    expect((await track(STRANGER, reference, trackingCode).expect(429)).body.message).toContain('try again in 1 minute');
    t.clock.advanceMs(60_000);
    await track(STRANGER, reference, trackingCode).expect(200);
    // Cleared: five free attempts again.
    for (let i = 0; i < 5; i++) await track(STRANGER, reference, wrong).expect(404);
    await track(STRANGER, reference, wrong).expect(429);
  });

  it('counts an unknown reference exactly like a wrong code, and another reference separately', async () => {
    const { reference, trackingCode } = await submit();
    const unknown = 'BKH-26-9999';
    for (let i = 0; i < 5; i++) {
      const a = await track('192.0.2.1', unknown, trackingCode).expect(404);
      const b = await track('192.0.2.2', reference, wrongOf(trackingCode)).expect(404);
      expect(a.body).toEqual(b.body);
    }
    const a = await track('192.0.2.1', unknown, trackingCode).expect(429);
    const b = await track('192.0.2.2', reference, wrongOf(trackingCode)).expect(429);
    expect(a.body).toEqual(b.body);
    // The same client on another reference is not slowed.
    const other = await submit();
    await track('192.0.2.2', other.reference, other.trackingCode).expect(200);
  });

  it('one IPv6 /64 counts as one client; another /64 does not share its count', async () => {
    const { reference, trackingCode } = await submit();
    for (let i = 1; i <= 5; i++) await track(`2001:db8:1:2::${i}`, reference, wrongOf(trackingCode)).expect(404);
    await track('2001:db8:1:2:ffff::77', reference, trackingCode).expect(429);
    await track('2001:db8:1:3::1', reference, trackingCode).expect(200);
  });

  it('twenty wrong codes fired together get at most five answers; the rest wait', async () => {
    const { reference, trackingCode } = await submit();
    const res = await Promise.all(Array.from({ length: 20 }, () => track('192.0.2.50', reference, wrongOf(trackingCode))));
    const statuses = res.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 404 && s !== 429)).toEqual([]);
  });

  it('keeps no client address, and forgets a count a day after its last failure', async () => {
    const { reference, trackingCode } = await submit();
    await track('192.0.2.99', reference, wrongOf(trackingCode)).expect(404);
    const stored = JSON.stringify(await t.db.manager.query('SELECT * FROM tracking_failures'));
    for (const address of [STRANGER, COMPLAINANT, '192.0.2.99', '2001:db8']) expect(stored).not.toContain(address);
    expect(await rows()).toBeGreaterThan(0);
    t.clock.advanceMs(24 * 60 * 60 * 1000 + 1);
    // Any new pair purges what is a day old.
    await track('192.0.2.100', reference, wrongOf(trackingCode)).expect(404);
    expect(await rows()).toBe(1);
  });
});
