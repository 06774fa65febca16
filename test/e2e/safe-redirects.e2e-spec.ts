import { seedMember, STAFF_PASSWORD } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { csrfOf, Jar } from '../support/web-client';

/**
 * Issue 11, item 4: `next` may only name a path on this site, on the language switch and after
 * login. The tricks: a tab that browsers strip (`/\t/evil.example` becomes `//evil.example`), a
 * protocol-relative URL, a backslash browsers read as a slash, an absolute URL, and CR/LF (which
 * used to answer 500). Each must land on this site, never 5xx.
 */
const TRICKS: [string, string][] = [
  ['/%09/evil.example', '/\t/evil.example'],
  ['//evil.example', '//evil.example'],
  ['/%5Cevil.example', '/\\evil.example'],
  ['https://evil.example', 'https://evil.example'],
  ['/%0D%0ASet-Cookie:%20kpac_session=forged', '/\r\nSet-Cookie: kpac_session=forged'],
  ['/%0Aevil', '/\nevil'],
  ['/%0D//evil.example', '/\r//evil.example'],
];

/** A Location a browser resolves against this site and stays on it. */
function expectSameSite(location: string | undefined, base = 'http://kpac.test') {
  expect(location).toBeDefined();
  expect(location).toMatch(/^\/(?![/\\])/);
  expect(location).not.toMatch(/[\u0000-\u001f\u007f\\]/);
  expect(new URL(location!, base).origin).toBe(base);
}

describe('redirect targets (issue 11, item 4)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '1000' } });
  });
  afterAll(async () => t?.close());

  it.each(TRICKS)('the language switch refuses next=%s and goes home', async (query) => {
    const res = await t.http().get(`/lang/en?next=${query}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(String(res.headers['set-cookie'])).toMatch(/lang=en/);
    expect(String(res.headers['set-cookie'])).not.toMatch(/kpac_session=forged/);
  });

  it('the language switch keeps a path on this site, query included', async () => {
    const res = await t.http().get(`/lang/tg?next=${encodeURIComponent('/track?x=1')}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/track?x=1');
  });

  it.each(TRICKS)('the login page does not carry next=%s into its form', async (query) => {
    const res = await t.http().get(`/login?next=${query}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<input type="hidden" name="next" value="">');
  });

  it.each(TRICKS)('a successful login with next=%s lands on this site', async (_query, next) => {
    const member = await seedMember(t, 'BKH', { login: false });
    const jar = new Jar();
    const page = jar.take(await t.http().get('/login'));
    const res = jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(page.text), email: member.email, password: STAFF_PASSWORD, next }));
    expect(res.status).toBeLessThan(500);
    expect(res.status).toBe(303);
    expectSameSite(res.headers.location);
    expect(res.headers.location).not.toContain('evil');
    expect(jar.seen.join('\n')).not.toMatch(/kpac_session=forged/);
  });

  it('a successful login keeps a path on this site', async () => {
    const member = await seedMember(t, 'BKH', { login: false });
    const jar = new Jar();
    const page = jar.take(await t.http().get('/login'));
    const res = await t.http().post('/login').set('cookie', jar.header()).type('form').send({ _csrf: csrfOf(page.text), email: member.email, password: STAFF_PASSWORD, next: '/staff/intake' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/intake');
  });
});
