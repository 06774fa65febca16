import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { givenComplaint } from '../support/escalation-fixtures';
import { bearer, cityByCode, seedFacility, seedFacilityAdmin, seedMember } from '../support/fixtures';
import { freePort } from '../support/queue-redis';
import { TestSmtp } from '../support/smtp';
import { createTestApp, sweepsOf, TestApp } from '../support/test-app';

/** The value of one series (name and labels exactly as exposed), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  if (!line) return undefined;
  const v = line.slice(series.length + 1).trim();
  return v === '+Inf' ? Infinity : Number(v);
}

describe('GET /metrics (Prometheus)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let metricsPort: number;

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    metricsPort = await freePort();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'KPAC <no-reply@kpac.test>', PUBLIC_RATE_LIMIT: '0', METRICS_PORT: String(metricsPort) } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const scrape = async () => {
    const res = await t.http().get('/metrics').set(bearer(t.adminToken)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('answers only admins on the main port: 401 without a token, 403 for members and facility admins', async () => {
    const member = await seedMember(t, 'BKH');
    const facility = await seedFacility(t, 'BKH');
    const fa = await seedFacilityAdmin(t, facility.id);
    const anonymous = await t.http().get('/metrics').expect(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401 });
    await t.http().get('/metrics').set(bearer(member.token)).expect(403);
    await t.http().get('/metrics').set(bearer(fa.token)).expect(403);
    await t.http().get('/metrics').set(bearer('not-a-token')).expect(401);
  });

  it('counts requests by route pattern; no reference, token or raw URL ever becomes a label', async () => {
    const cityId = (await cityByCode(t, 'BKH')).city.id;
    const submitted = await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'waiting_time', description: 'The window closes before noon.' }).expect(201);
    const reference: string = submitted.body.reference;
    const trackingCode: string = submitted.body.trackingCode;
    await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode }).expect(200);
    const fakeToken = 'Q'.repeat(43);
    await t.http().get(`/api/v1/escalations/link/${fakeToken}`).expect(404);
    await t.http().get(`/no-such-page/${reference}`).expect(404);
    const complaint = await givenComplaint(t, 'BKH');
    await t.http().get(`/api/v1/complaints/${complaint.id}`).set(bearer(t.adminToken)).expect(200);

    const text = await scrape();
    expect(sample(text, 'kpac_http_requests_total{method="POST",route="/api/v1/public/complaints",status="201"}')).toBe(1);
    expect(sample(text, 'kpac_http_requests_total{method="POST",route="/api/v1/public/complaints/track",status="200"}')).toBe(1);
    expect(sample(text, 'kpac_http_requests_total{method="GET",route="/api/v1/escalations/link/:token",status="404"}')).toBe(1);
    expect(sample(text, 'kpac_http_requests_total{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'kpac_http_requests_total{method="GET",route="/api/v1/complaints/:id",status="200"}')).toBe(1);
    expect(sample(text, 'kpac_http_request_duration_seconds_count{method="POST",route="/api/v1/public/complaints"}')).toBe(1);
    expect(text).toContain('kpac_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/api/v1/public/complaints"}');
    for (const secret of [reference, trackingCode, fakeToken, `/complaints/${complaint.id}`, 'no-such-page']) expect(text).not.toContain(secret);
    // Every label value of the request series is a route pattern (or "unmatched").
    const routes = [...text.matchAll(/^kpac_http_\w+\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]);
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) expect(r).toMatch(/^(unmatched|(\/[a-z0-9._-]*|\/:[a-zA-Z]+|\/\*)*)$/);
  });

  it('exposes the outbox backlog, queue depths, mail by class, SLA breaches and the backup age', async () => {
    const member = await seedMember(t, 'DSH');
    const site = await seedFacility(t, 'DSH', { contactEmails: ['site@dushanbe.test'], slaDays: 5 });
    const complaint = await givenComplaint(t, 'DSH');
    const esc = await t.http().post(`/api/v1/complaints/${complaint.id}/escalations`).set(bearer(member.token)).send({ facilityId: site.id, summary: 'Clients wait outside for two hours.' }).expect(202);
    await smtp.waitFor((m) => m.some((x) => x.messageId === `<esc-${esc.body.id}-initial@kpac.test>`), 20_000, 'the initial mail');

    let text = await scrape();
    for (const name of ['kpac_outbox_unrelayed', 'kpac_outbox_oldest_age_seconds', 'kpac_queue_jobs', 'kpac_mail_sends', 'kpac_sla_breaches', 'kpac_backup_age_seconds', 'process_resident_memory_bytes']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'kpac_sla_breaches')).toBe(0);
    expect(sample(text, 'kpac_outbox_unrelayed')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^kpac_queue_jobs\{queue="[\w.-]+",state="waiting"\} \d+$/m);
    // The initial mail went out; the facility audience has it as sent.
    await waitUntil(async () => sample(await scrape(), 'kpac_mail_sends{audience="facility",step="initial",state="sent",error_class="none"}') === 1);
    // A facility whose server refuses the address: failed, by class, never the server's text.
    smtp.rejectRecipients.add('refuses@dushanbe.test');
    smtp.rejectText = 'No such user refuses@dushanbe.test here';
    const refusing = await seedFacility(t, 'DSH', { contactEmails: ['refuses@dushanbe.test'] });
    const other = await givenComplaint(t, 'DSH');
    await t.http().post(`/api/v1/complaints/${other.id}/escalations`).set(bearer(member.token)).send({ facilityId: refusing.id, summary: 'Clients wait outside for two hours.' }).expect(202);
    await waitUntil(async () => sample(await scrape(), 'kpac_mail_sends{audience="facility",step="initial",state="failed",error_class="rejected"}') === 1);
    expect(await scrape()).not.toContain('No such user');
    // No backup directory yet: infinitely old, so an age alert fires.
    expect(sample(text, 'kpac_backup_age_seconds')).toBe(Infinity);

    // The SLA passes unanswered: the sweep marks it overdue and the breach shows.
    t.clock.advanceDays(5.5);
    await sweepsOf(t).run();
    text = await scrape();
    expect(sample(text, 'kpac_sla_breaches')).toBe(1);
    expect(sample(text, 'kpac_escalations{response_state="overdue"}')).toBe(1);

    // A backup written two hours ago (the newest backup counts; its note, leftovers and unfinished ones do not).
    const dir = t.config.backup.dir;
    mkdirSync(dir, { recursive: true });
    const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
    writeFileSync(join(dir, 'kpac-20261201T000000000Z-aaaaaa.kpacbak'), 'x');
    utimesSync(join(dir, 'kpac-20261201T000000000Z-aaaaaa.kpacbak'), twoHoursAgo - 86400, twoHoursAgo - 86400);
    writeFileSync(join(dir, 'kpac-20261202T000000000Z-bbbbbb.kpacbak'), 'x');
    utimesSync(join(dir, 'kpac-20261202T000000000Z-bbbbbb.kpacbak'), twoHoursAgo, twoHoursAgo);
    writeFileSync(join(dir, 'kpac-20261203T000000000Z-cccccc.kpacbak.partial'), 'x');
    writeFileSync(join(dir, 'kpac-20261202T000000000Z-bbbbbb.kpacbak.json'), '{}');
    const age = sample(await scrape(), 'kpac_backup_age_seconds')!;
    expect(age).toBeGreaterThan(7100);
    expect(age).toBeLessThan(7300);
  });

  it('serves the same figures on METRICS_PORT without a login, on 127.0.0.1 only', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE kpac_http_requests_total counter');
    expect(sample(text, 'kpac_sla_breaches')).toBe(1);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(404);
    // Not reachable on the host's other addresses.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) await expect(fetch(`http://${external.address}:${metricsPort}/metrics`)).rejects.toThrow();
  });
});

async function waitUntil(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
