import { MAIL_QUEUE } from '../../src/queue/jobs';
import { QueueService } from '../../src/queue/queue.service';
import { bearer } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';
import { completeWebLogin, csrfOf, Jar } from '../support/web-client';

/**
 * Issue 11, item 9: the queue dashboard is read-only. A change (pause, add, empty, obliterate,
 * retry) is refused from an admin's web session — the cookie a forged cross-site request would
 * carry — and from an admin's bearer token alike; nothing reaches the queues.
 */
describe('queue dashboard is read-only (issue 11, item 9)', () => {
  let t: TestApp;
  let session: Jar;
  beforeAll(async () => {
    t = await createTestApp();
    session = new Jar();
    const page = session.take(await t.http().get('/login'));
    const first = session.take(await t.http().post('/login').set('cookie', session.header()).type('form').send({ _csrf: csrfOf(page.text), email: ADMIN_EMAIL, password: ADMIN_PASSWORD }));
    expect((await completeWebLogin(t, session, ADMIN_EMAIL, first)).status).toBe(303);
  });
  afterAll(async () => t?.close());

  // bull-board's own routes for each change (its read-only mode aside, they exist and act).
  const CHANGES: [string, string, object | null][] = [
    ['put', `/admin/queues/api/queues/${MAIL_QUEUE}/pause`, null],
    ['put', '/admin/queues/api/queues/pause', null],
    ['post', `/admin/queues/api/queues/${MAIL_QUEUE}/add`, { name: 'mail.send', data: { mailSendId: 1 } }],
    ['put', `/admin/queues/api/queues/${MAIL_QUEUE}/empty`, null],
    ['put', `/admin/queues/api/queues/${MAIL_QUEUE}/obliterate`, null],
    ['put', `/admin/queues/api/queues/${MAIL_QUEUE}/retry/failed`, null],
    ['put', `/admin/queues/api/queues/${MAIL_QUEUE}/clean/completed`, null],
    ['put', `/admin/queues/api/queues/${MAIL_QUEUE}/concurrency`, { concurrency: 1 }],
  ];

  it('shows the queues to an admin session, read-only', async () => {
    const page = await t.http().get('/admin/queues').set('cookie', session.header());
    expect(page.status).toBe(200);
    const api = await t.http().get('/admin/queues/api/queues').set('cookie', session.header());
    expect(api.status).toBe(200);
    const queues = api.body.queues as { name: string; readOnlyMode: boolean }[];
    expect(queues.map((q) => q.name).sort()).toEqual(['backup', 'mail', 'sweep']);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it.each(CHANGES)('refuses %s %s from an admin web session, with or without a CSRF-looking header', async (method, path, body) => {
    const queue = t.app.get(QueueService).queue(MAIL_QUEUE);
    const before = await queue.getJobCounts();
    for (const headers of [{}, { 'x-csrf-token': 'anything', origin: 'http://kpac.test' }]) {
      const req = (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path).set('cookie', session.header()).set(headers);
      const res = await (body ? req.send(body) : req);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    }
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJobCounts()).toEqual(before);
  });

  it.each(CHANGES)('refuses %s %s from an admin bearer token too: changes are off for everyone', async (method, path, body) => {
    const queue = t.app.get(QueueService).queue(MAIL_QUEUE);
    const req = (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path).set(bearer(t.adminToken));
    const res = await (body ? req.send(body) : req);
    expect(res.status).toBe(405);
    expect(await queue.isPaused()).toBe(false);
  });
});
