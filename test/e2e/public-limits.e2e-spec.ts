import { cityByCode } from '../support/fixtures';
import { createTestApp, TestApp, usePostgres } from '../support/test-app';

describe('public routes: rate limits, honeypot, tracking-code guessing', () => {
  describe('per-client rate limit', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '3' } });
    });
    afterAll(async () => {
      await t.close();
    });

    it('answers 429 after PUBLIC_RATE_LIMIT requests a minute (per client and route), and a forged X-Forwarded-For does not reset it', async () => {
      for (let i = 0; i < 3; i++) await t.http().get('/api/v1/public/cities').expect(200);
      const limited = await t.http().get('/api/v1/public/cities').expect(429);
      expect(limited.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('wait a minute') });
      // TRUST_PROXY is unset, so the client is the socket address whatever the header claims.
      await t.http().get('/api/v1/public/cities').set('x-forwarded-for', '203.0.113.7').expect(429);
      await t.http().get('/api/v1/public/cities').set('x-forwarded-for', '198.51.100.1').set('x-real-ip', '198.51.100.2').expect(429);
    });
  });

  describe('honeypot and tracking attempts', () => {
    let t: TestApp;
    let cityId: number;
    beforeAll(async () => {
      t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '0' } });
      cityId = (await cityByCode(t, 'KHJ')).city.id;
    });
    afterAll(async () => {
      await t.close();
    });

    const count = async () => Number((await t.db.manager.query('SELECT COUNT(*) AS n FROM complaints'))[0].n);

    it('answers a filled honeypot like a real submission and stores nothing', async () => {
      const before = await count();
      const res = await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'other', description: 'buy cheap pills', website: 'http://spam.example' }).expect(201);
      expect(res.body.reference).toMatch(/^KHJ-26-\d{4}$/);
      expect(res.body.trackingCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
      expect(await count()).toBe(before);
      await t.http().post('/api/v1/public/complaints/track').send(res.body).expect(404);
      const fb = await t.http().post('/api/v1/public/feedback').send({ facilityId: 999999, ratings: { waitingTime: 1, staffAttitude: 1, openingHours: 1, confidentiality: 1, overall: 1 } });
      expect(fb.status).toBe(400);
    });

    it('answers a wrong code like an unknown reference, and slows a guesser down on both alike, across restarts', async () => {
      const { reference, trackingCode } = (await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'other', description: 'really' }).expect(201)).body;
      const wrong = trackingCode.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A'));
      const unknownRef = await t.http().post('/api/v1/public/complaints/track').send({ reference: 'KHJ-26-9876', trackingCode }).expect(404);
      const wrongCode = await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode: wrong }).expect(404);
      expect(wrongCode.body).toEqual(unknownRef.body);
      expect(wrongCode.body.message).toBe('No complaint matches this reference and tracking code');
      for (let i = 0; i < 4; i++) await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode: wrong }).expect(404);
      // The sixth attempt from this client waits, even with the right code.
      const slowed = await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode }).expect(429);
      expect(slowed.body.message).toContain('this reference');
      await t.http().post('/api/v1/public/complaints/confirm').send({ reference, trackingCode, resolvedForMe: true }).expect(429);
      // Unknown references are slowed the same way, so the limit tells nothing about which exist.
      for (let i = 0; i < 4; i++) await t.http().post('/api/v1/public/complaints/track').send({ reference: 'KHJ-26-9876', trackingCode }).expect(404);
      const unknownSlowed = await t.http().post('/api/v1/public/complaints/track').send({ reference: 'KHJ-26-9876', trackingCode }).expect(429);
      expect(unknownSlowed.body).toEqual(slowed.body);

      // A second instance on the same database (a restart) still slows this client down.
      const databaseUrl = usePostgres ? (t.config.database as { url: string }).url : `sqlite:${(t.config.database as { path: string }).path}`;
      const restarted = await createTestApp({ databaseUrl, env: { PUBLIC_RATE_LIMIT: '0' } });
      try {
        restarted.clock.set(t.clock.now());
        await restarted.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode }).expect(429);
        restarted.clock.advanceMs(60 * 1000 + 1);
        const ok = await restarted.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode }).expect(200);
        expect(ok.body.status).toBe('received');
      } finally {
        await restarted.close();
      }
    });
  });
});
