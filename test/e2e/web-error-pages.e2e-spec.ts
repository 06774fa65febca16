import { createTestApp, TestApp } from '../support/test-app';
import { csrfOf, Jar } from '../support/web-client';

/** Errors outside the page controllers: pages for browsers on page paths, JSON for the API. */
describe('HTML error pages and the favicon', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '1000' } });
  });
  afterAll(async () => t?.close());

  const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it('answers an unknown path with a page in the language of the cookie, then of Accept-Language', async () => {
    const tg = await t.http().get('/no-such-page').set('accept', html).set('cookie', 'lang=tg');
    expect(tg.status).toBe(404);
    expect(tg.headers['content-type']).toContain('text/html');
    expect(tg.text).toContain('<html lang="tg">');
    expect(tg.text).toContain('Саҳифа ёфт нашуд');
    // The site's layout: the language switch back to the same address, the stylesheet.
    expect(tg.text).toContain('href="/lang/ru?next=%2Fno-such-page"');
    expect(tg.text).toContain('/assets/app.css');
    const ru = await t.http().get('/no-such-page').set('accept', html).set('accept-language', 'ru-RU,ru;q=0.9');
    expect(ru.text).toContain('Страница не найдена');
    const en = await t.http().get('/staff/nothing/here').set('accept', html).set('accept-language', 'en');
    expect(en.status).toBe(404);
    expect(en.text).toContain('Page not found');
  });

  it('keeps JSON for API paths and for clients that ask for JSON', async () => {
    const api = await t.http().get('/api/v1/nothing').set('accept', html);
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toContain('application/json');
    expect(api.body.statusCode).toBe(404);
    const json = await t.http().get('/no-such-page').set('accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body.statusCode).toBe(404);
  });

  it('answers a method the path does not take with 405 and Allow', async () => {
    const res = await t.http().delete('/track').set('accept', html).set('cookie', 'lang=ru');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toContain('GET');
    expect(res.headers.allow).toContain('POST');
    expect(res.text).toContain('Этот адрес не принимает такой запрос');
  });

  it('answers a form body over the limit with a 413 page', async () => {
    const res = await t
      .http()
      .post('/complain')
      .set('accept', html)
      .set('cookie', 'lang=en')
      .type('form')
      .send({ description: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('What you sent is too large');
    const api = await t.http().post('/api/v1/public/complaints').send({ description: 'x'.repeat(70_000) });
    expect(api.status).toBe(413);
    expect(api.body.message).toBe('Request body is too large');
  });

  it('serves /favicon.ico and the SVG icon the layout links', async () => {
    const ico = await t.http().get('/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toContain('image/x-icon');
    expect(Buffer.from(ico.body).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    const svg = await t.http().get('/assets/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    const page = await t.http().get('/').set('accept', html);
    expect(page.text).toContain('<link rel="icon" href="/assets/favicon.svg"');
  });
});

describe('HTML error pages for throttled and failing requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '2' } });
  });
  afterAll(async () => t?.close());

  it('answers a throttled page with a 429 page in the reader’s language, Retry-After set', async () => {
    let last: Awaited<ReturnType<ReturnType<TestApp['http']>['post']>> | undefined;
    const jar = new Jar();
    const form = jar.take(await t.http().get('/track').set('cookie', 'lang=tg'));
    const token = csrfOf(form.text);
    for (let i = 0; i < 4; i++) {
      last = await t.http().post('/track').set('accept', 'text/html').set('cookie', `${jar.header()}; lang=tg`).type('form').send({ reference: 'BKH-26-0001', trackingCode: 'X', _csrf: token });
    }
    expect(last!.status).toBe(429);
    expect(last!.headers['retry-after']).toBe('60');
    expect(last!.headers['content-type']).toContain('text/html');
    expect(last!.text).toContain('<html lang="tg">');
    expect(last!.text).toContain('Кӯшишҳо аз ҳад зиёданд');
  });
});
