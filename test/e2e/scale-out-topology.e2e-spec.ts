import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { SWEEP_QUEUE } from '../../src/queue/jobs';
import { givenComplaint } from '../support/escalation-fixtures';
import { seedFacility, seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { STATE_DIR } from '../support/global-setup';
import { freePort } from '../support/queue-redis';
import { ensureBuilt, EntryProcess, healthOf, serviceEnv } from '../support/service-process';
import { sleep, TestSmtp } from '../support/smtp';
import { createTestApp, createTestDatabase, usePostgres } from '../support/test-app';

/**
 * Issue 14 item 2, the documented topology for several machines: 3 API processes (WORKER=off)
 * and 2 `npm run worker` processes, built, on one fresh PostgreSQL database and one Redis,
 * started at the same moment. A burst of escalations over the APIs while one worker is killed.
 */
const APIS = 3;
const WORKERS = 2;
const N = 200;
/** The every-minute periodic jobs run this often here, so a minute's test sees many periods. */
const SWEEP_EVERY_SECONDS = 4;

(usePostgres ? describe : describe.skip)('3 APIs and 2 workers on one PostgreSQL database and one Redis', () => {
  const apis: EntryProcess[] = [];
  const workers: EntryProcess[] = [];
  const ports: number[] = [];
  const dirs: string[] = [];
  let smtp: TestSmtp;
  let drop: () => Promise<void> = async () => undefined;
  let queuePrefix: string;
  let databaseUrl: string;

  beforeAll(async () => {
    ensureBuilt();
    smtp = new TestSmtp();
    smtp.dataDelayMs = 10;
    await smtp.start();
    const db = await createTestDatabase();
    drop = db.drop;
    databaseUrl = db.url;
    queuePrefix = `kpac-test-${randomBytes(4).toString('hex')}`;
    const envFor = async (port: number) => {
      const dataDir = join(STATE_DIR, `topology-${randomBytes(4).toString('hex')}`);
      dirs.push(dataDir);
      return { ...serviceEnv({ port, dataDir, databaseUrl, queuePrefix, smtpUrl: smtp.url }), SWEEP_EVERY_SECONDS: String(SWEEP_EVERY_SECONDS) };
    };
    for (let i = 0; i < APIS; i++) ports.push(await freePort());
    const envs = [...(await Promise.all(ports.map(envFor))), ...(await Promise.all(Array.from({ length: WORKERS }, async () => envFor(await freePort()))))];
    // All five at once, on an empty database.
    for (let i = 0; i < APIS; i++) apis.push(new EntryProcess('dist/main.js', [], { ...envs[i], WORKER: 'off' }));
    for (let i = 0; i < WORKERS; i++) workers.push(new EntryProcess('dist/worker.js', [], envs[APIS + i]));
    await Promise.all([...apis.map((p) => p.waitFor(/KPAC tracker listening/, 90_000)), ...workers.map((p) => p.waitFor(/KPAC worker running/, 90_000))]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((p) => p.stop('SIGKILL')));
    await drop();
    await smtp?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('mails every facility exactly one initial mail per escalation despite a killed worker; the SLA sweep runs once per period; every API stays healthy', async () => {
    // Council members, facilities and complaints in review, written through the services.
    const seeder = await createTestApp({ databaseUrl, env: { WORKER: 'off', QUEUE_PREFIX: queuePrefix }, now: new Date().toISOString() });
    const cities = ['BKH', 'DSH'];
    const members: { email: string }[] = [];
    const facilities: { id: number; email: string; city: string }[] = [];
    const complaints: { id: number; city: string }[] = [];
    try {
      for (const city of cities) {
        members.push(await seedMember(seeder, city, { login: false }));
        for (let f = 0; f < 2; f++) {
          const email = `site-${city.toLowerCase()}-${f}@facility.test`;
          facilities.push({ id: (await seedFacility(seeder, city, { contactEmails: [email] })).id, email, city });
        }
      }
      for (let i = 0; i < N; i++) {
        const city = cities[i % cities.length];
        complaints.push({ id: (await givenComplaint(seeder, city)).id, city });
      }
    } finally {
      await seeder.close();
    }
    // Each member logs in at an API of their own (tokens are valid at every instance).
    const tokens = await Promise.all(
      members.map(async (m, i) => {
        const res = await fetch(`http://127.0.0.1:${ports[i % APIS]}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: m.email, password: STAFF_PASSWORD }),
        });
        expect(res.status).toBe(200);
        return ((await res.json()) as { accessToken: string }).accessToken;
      }),
    );

    const sweepsFrom = Date.now();
    // The burst: escalation i through API i % 3, to facility i % 2 of its complaint's city.
    const target = new Map<number, string>();
    const initial = () => smtp.mails.filter((m) => /^<esc-\d+-initial@kpac\.test>$/.test(m.messageId));
    let killed = false;
    const killer = (async () => {
      await smtp.waitFor(() => initial().length >= 20, 60_000, '20 initial mails before the kill');
      workers[0].proc.kill('SIGKILL');
      await workers[0].exited;
      killed = true;
    })();
    const responses = await Promise.all(
      complaints.map(async (c, i) => {
        const cityIndex = cities.indexOf(c.city);
        const facility = facilities.filter((f) => f.city === c.city)[Math.floor(i / cities.length) % 2];
        const res = await fetch(`http://127.0.0.1:${ports[i % APIS]}/api/v1/complaints/${c.id}/escalations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[cityIndex]}` },
          body: JSON.stringify({ facilityId: facility.id, summary: `Burst case ${i}: the window closed early.` }),
        });
        const body = (await res.json()) as { id: number };
        if (res.status === 202) target.set(body.id, facility.email);
        return res.status;
      }),
    );
    expect(responses).toEqual(Array(N).fill(202));
    await killer;
    expect(killed).toBe(true);
    // The kill came mid-burst: not everything had gone out yet.
    const atKill = new Set(initial().map((m) => m.messageId)).size;
    expect(atKill).toBeLessThan(N);

    // The surviving worker finishes the rest: stalled jobs come back, mail.reconcile re-enqueues stale claims.
    const expected = new Map([...target].map(([id, email]) => [`<esc-${id}-initial@kpac.test>`, email]));
    await smtp.waitFor(() => new Set(initial().map((m) => m.messageId)).size >= N, 90_000, `${N} distinct initial mails (${workers[1].stderr.slice(-1500)})`);
    const received = initial();
    expect(new Set(received.map((m) => m.messageId))).toEqual(new Set(expected.keys()));
    // Each escalation's mail went to its facility, and to no other.
    for (const m of received) expect([m.messageId, m.to]).toEqual([m.messageId, [expected.get(m.messageId)]]);
    for (const f of facilities) {
      const ids = new Set(received.filter((m) => m.to.includes(f.email)).map((m) => m.messageId));
      expect([f.email, ids.size]).toEqual([f.email, [...target.values()].filter((e) => e === f.email).length]);
    }
    // A repeat is only a mail SMTP accepted just before the kill, unrecorded: it carries the same Message-ID.
    expect(received.length - expected.size).toBeLessThanOrEqual(10);

    // Every send recorded as sent, in the database all instances share.
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    try {
      const deadline = Date.now() + 20_000;
      let states: Record<string, number> = {};
      do {
        const rows = (await pg.query("SELECT state, COUNT(*)::int AS n FROM mail_sends WHERE step = 'initial' GROUP BY state")).rows as { state: string; n: number }[];
        states = Object.fromEntries(rows.map((r) => [r.state, r.n]));
        if (states.sent === N) break;
        await sleep(250);
      } while (Date.now() < deadline);
      expect(states).toEqual({ sent: N });
    } finally {
      await pg.end();
    }

    // The SLA sweep: one run per period across both workers (one scheduler id), not one per instance.
    await sleep(SWEEP_EVERY_SECONDS * 1000 * 2);
    const sweepsTo = Date.now();
    const queue = new Queue(SWEEP_QUEUE, { connection: { url: process.env.TEST_REDIS_URL! } as never, prefix: queuePrefix });
    try {
      // A scheduler's job is named by its slot (repeat:<scheduler>:<ms>); it may start late behind
      // the other periodic jobs, so the slots, not the start times, show one run per period.
      const slotOf = (id: string) => Number(/^repeat:[^:]+:(\d+)$/.exec(id)?.[1] ?? NaN);
      const jobs = (await queue.getJobs(['completed', 'failed'], 0, -1)).filter((j) => j.name === 'sla.sweep' && j.processedOn! >= sweepsFrom && j.processedOn! <= sweepsTo);
      const slots = jobs.map((j) => slotOf(j.id!)).sort((a, b) => a - b);
      expect(slots.every((t) => Number.isFinite(t))).toBe(true);
      expect(new Set(slots).size).toBe(slots.length);
      const periods = (sweepsTo - sweepsFrom) / (SWEEP_EVERY_SECONDS * 1000);
      expect(slots.length).toBeGreaterThanOrEqual(Math.floor(periods) - 2);
      expect(slots.length).toBeLessThanOrEqual(Math.ceil(periods) + 1);
      // No two runs share a period.
      const gaps = slots.slice(1).map((t, i) => t - slots[i]);
      expect(gaps.filter((g) => g < SWEEP_EVERY_SECONDS * 1000)).toEqual([]);
    } finally {
      await queue.close();
    }

    // Every instance still up: the APIs answer ok with the queues and outbox healthy, the surviving worker runs.
    for (const port of ports) {
      const health = (await healthOf(port)) as { status: string; queues?: { status: string; outbox: { unrelayed: number } } } | null;
      expect([port, health?.status, health?.queues?.status]).toEqual([port, 'ok', 'up']);
    }
    expect(workers[1].running).toBe(true);
    expect(apis.every((p) => p.running)).toBe(true);
  }, 240_000);
});
