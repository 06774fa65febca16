import { ADMIN_EMAIL, createTestApp, TestApp } from '../support/test-app';

describe('foundation (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports health with database and Redis up', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves OpenAPI docs', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(res.body.paths['/api/v1/auth/login']).toBeDefined();
  });

  it('refuses staff routes without a token, with the JSON error shape', async () => {
    const res = await t.http().get('/api/v1/users').expect(401);
    expect(res.body).toEqual(expect.objectContaining({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('Bearer') }));
  });

  it('logs in the bootstrap admin and records the login in the audit trail', async () => {
    const res = await t.http().get('/api/v1/audit?entity=user').set('authorization', `Bearer ${t.adminToken}`).expect(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['auth.login', 'user.bootstrap_admin']));
    expect(JSON.stringify(res.body)).not.toContain(ADMIN_EMAIL);
  });

  it('lists every invalid field and refuses unknown fields', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ email: 'nope', password: 5, extra: 1 }).expect(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([expect.stringContaining('email'), expect.stringContaining('password'), expect.stringContaining('extra')]),
    );
  });

  it('answers malformed JSON and oversized bodies with 4xx', async () => {
    await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send('{"email":').expect(400);
    const big = await t.http().post('/api/v1/auth/login').send({ email: 'a@b.c', password: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
  });

  it('logs each request under the caller\'s well-formed X-Request-ID, or a fresh one', async () => {
    await t.http().get('/api/v1/public/cities').set('x-request-id', 'trace-7f3a9c21').expect(200);
    await t.http().get('/api/v1/public/cities').set('x-request-id', 'bad id with spaces').expect(200);
    const lines = t.logs
      .text()
      .split('\n')
      .filter((l) => l.includes('request completed') && l.includes('/api/v1/public/cities'))
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.reqId)).toContain('trace-7f3a9c21');
    const last = lines[lines.length - 1];
    expect(last.reqId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(t.logs.text()).not.toContain('with spaces');
  });

  it('sets security headers', async () => {
    const res = await t.http().get('/health');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});
