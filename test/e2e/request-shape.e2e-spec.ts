import { cityByCode } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Issue 11, item 10: a body nested more than 32 levels deep is refused with a 400 before
 * validation (30,000 nested arrays in 60 KB used to overflow the stack in validation: a 500).
 */
describe('request shape limits (issue 11, item 10)', () => {
  let t: TestApp;
  let cityId: number;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '0' } });
    cityId = (await cityByCode(t, 'BKH')).city.id;
  });
  afterAll(async () => t?.close());

  const post = (url: string, payload: string, type = 'application/json') =>
    t.app.getHttpAdapter().getInstance().inject({ method: 'POST', url, payload, headers: { 'content-type': type } });
  const count = async () => Number((await t.db.manager.query('SELECT COUNT(*) AS n FROM complaints'))[0].n);
  const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const objects = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

  it.each([
    ['/api/v1/public/complaints'],
    ['/api/v1/public/complaints/track'],
    ['/api/v1/public/feedback'],
    ['/api/v1/auth/login'],
    ['/api/v1/escalations/respond'],
  ])('answers 400 (not 500) to 30,000 nested arrays at %s', async (url) => {
    const body = arrays(30_000);
    expect(body.length).toBe(60_000);
    const res = await post(url, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'The request body is nested more than 32 levels deep; send a flatter body' });
  });

  it('refuses deep nesting inside an otherwise valid complaint, and stores nothing', async () => {
    const before = await count();
    const deep = JSON.stringify({ cityId, category: 'other', description: 'x' }).replace(/}$/, `,"contact":${objects(40, '"x"')}}`);
    expect((await post('/api/v1/public/complaints', deep)).statusCode).toBe(400);
    const arrayField = JSON.stringify({ cityId, category: 'other', description: 'x' }).replace(/}$/, `,"keyPopulations":${arrays(20_000)}}`);
    expect((await post('/api/v1/public/complaints', arrayField)).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('lets 32 levels through to validation (which answers for the fields), 33 not', async () => {
    const at32 = await post('/api/v1/public/complaints/track', objects(32, '"x"'));
    expect(at32.statusCode).toBe(400);
    expect(at32.json().message).not.toContain('nested');
    const at33 = await post('/api/v1/public/complaints/track', objects(33, '"x"'));
    expect(at33.statusCode).toBe(400);
    expect(at33.json().message).toContain('nested more than 32 levels');
  });

  it('form bodies cannot nest (bracket names stay flat) and a deep-looking one is an ordinary 4xx', async () => {
    const name = 'a' + '[b]'.repeat(5000);
    const res = await post('/track', `${encodeURIComponent(name)}=1&reference=x`, 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
  });

  it('a normal complaint still goes through', async () => {
    const res = await post('/api/v1/public/complaints', JSON.stringify({ cityId, category: 'other', description: 'The site closes at noon.', keyPopulations: ['plhiv'], contact: { phone: '+992 90 123 4567' } }));
    expect(res.statusCode).toBe(201);
  });
});
