import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createTestApp, TestApp } from '../support/test-app';


describe('compression (pages, CSS, JSON)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  // Fastify's inject gives the bytes as they would travel (supertest decodes them itself).
  const get = async (path: string, encoding: string) => {
    const res = await t.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: path, headers: { 'accept-encoding': encoding } });
    expect(res.statusCode).toBe(200);
    return { headers: res.headers, body: res.rawPayload };
  };

  it.each([
    ['/', 'text/html', '<html'],
    ['/assets/app.css', 'text/css', 'body'],
    ['/api/docs-json', 'application/json', '"openapi"'],
  ])('%s: brotli when asked for, and it decodes to the same body', async (path, type, marker) => {
    const plain = await get(path, 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await get(path, 'br');
    expect(br.headers['content-type']).toContain(type);
    expect(br.headers['content-encoding']).toBe('br');
    const body = brotliDecompressSync(br.body as Buffer);
    expect(body.toString('utf8')).toContain(marker);
    expect((br.body as Buffer).length).toBeLessThan(body.length);
    // Pages carry a fresh CSRF token each time; compare what does not change.
    if (path !== '/') expect(body.equals(plain.body as Buffer)).toBe(true);
    else expect(body.length).toBeGreaterThan((plain.body as Buffer).length - 200);
  });

  it('gzip for clients without brotli; a tiny response may stay as it is', async () => {
    const gz = await get('/', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body as Buffer).toString('utf8')).toContain('<html');
    const small = await get('/health', 'br');
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});
