import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { FakeClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { User } from '../../src/users/user.entity';
import { Database } from '../../src/database/database.service';
import { bearer } from '../support/fixtures';
import { STATE_DIR } from '../support/global-setup';
import { createTestApp, createTestDatabase, LogCapture } from '../support/test-app';
import { totpAt } from '../support/two-factor';

const FIRST_START = new Date('2026-03-02T09:00:00Z');

/** Start-up behaviour: the bootstrap admin, and running without Redis. */
describe('operations (HTTP)', () => {
  it('creates the bootstrap admin with a generated password printed once, and never again', async () => {
    const db = await createTestDatabase();
    const dataDir = join(STATE_DIR, `data-${randomBytes(4).toString('hex')}`);
    const env = {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL,
      QUEUE_PREFIX: `kpac-test-${randomBytes(4).toString('hex')}`,
      ADMIN_EMAIL: 'first.admin@test.kpac',
      LOG_LEVEL: 'info',
    };
    const start = async () => {
      const logs = new LogCapture();
      const app = await createApp(loadConfig(env), { logStream: logs, clock: new FakeClock(FIRST_START) });
      await app.getHttpAdapter().getInstance().ready();
      // Nest buffers its own log lines until listen(); the test never listens, so flush them here.
      app.flushLogs();
      return { app, logs };
    };
    try {
      const first = await start();
      const line = first.logs.text().match(/generated password: (\S+)/);
      expect(line).not.toBeNull();
      const password = line![1];
      expect(password.length).toBeGreaterThanOrEqual(16);
      // The password works; an admin's first login then sets up the second factor.
      const http = () => request(first.app.getHttpServer());
      const res = await http().post('/api/v1/auth/login').send({ email: 'first.admin@test.kpac', password }).expect(403);
      expect(res.body.code).toBe('TWO_FACTOR_ENROLMENT_REQUIRED');
      const { enrolmentToken } = res.body;
      const { secret } = (await http().post('/api/v1/auth/2fa/enrol').send({ enrolmentToken }).expect(200)).body;
      const confirmed = await http().post('/api/v1/auth/2fa/confirm').send({ enrolmentToken, otp: totpAt(secret, FIRST_START) }).expect(200);
      await http().get('/api/v1/councils').set(bearer(confirmed.body.accessToken)).expect(200);
      // The secret was generated into the data directory, not taken from anywhere fixed.
      await first.app.close();

      const second = await start();
      expect(second.logs.text()).not.toContain('generated password');
      expect(await second.app.get(Database).manager.count(User, { where: { role: 'admin' } })).toBe(1);
      // The same password and second factor still log in (the next step's code: each is good once).
      await request(second.app.getHttpServer()).post('/api/v1/auth/login').send({ email: 'first.admin@test.kpac', password, otp: totpAt(secret, FIRST_START, 1) }).expect(200);
      await second.app.close();
    } finally {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('without Redis', () => {
    let deadPort: number;
    let holder: Server;
    beforeAll(async () => {
      // A port that nothing answers on: bind, note the port, close.
      holder = createServer();
      await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
      deadPort = (holder.address() as { port: number }).port;
      await new Promise<void>((r) => holder.close(() => r()));
    });

    it('starts, serves the API and reports health as degraded', async () => {
      // WORKER=off: this checks the API side of the promise; inline workers are the queue's concern.
      const t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${deadPort}`, WORKER: 'off' } });
      try {
        const health = await t.http().get('/health').expect(200);
        expect(health.body).toMatchObject({ status: 'degraded', database: { status: 'up' }, redis: { status: 'down' } });
        const councils = await t.http().get('/api/v1/councils').set(bearer(t.adminToken)).expect(200);
        expect(councils.body).toHaveLength(4);
        const city = await t.http().post('/api/v1/cities').set(bearer(t.adminToken)).send({ name: 'Without Redis', code: 'WRD' }).expect(201);
        expect(city.body.code).toBe('WRD');
      } finally {
        await t.close();
      }
    });
  });
});
