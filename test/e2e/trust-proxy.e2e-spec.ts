import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { freePort } from '../support/queue-redis';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Issue 11, item 5: behind one reverse proxy (TRUST_PROXY=1) the client is the address that proxy
 * saw, whatever X-Forwarded-For the client itself sends. The proxy here does what nginx's
 * `$proxy_add_x_forwarded_for` does: it appends the address of the connection it accepted.
 */
function appendingProxy(target: number): Promise<Server> {
  const server = createServer((req, res) => {
    const seen = req.socket.remoteAddress!.replace(/^::ffff:/, '');
    const forwarded = req.headers['x-forwarded-for'];
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': forwarded ? `${forwarded}, ${seen}` : seen } },
      (up) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A GET to the proxy from `from` (another loopback address is another client to the proxy). */
function get(port: number, path: string, forwardedFor?: string, from = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, localAddress: from, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TRUST_PROXY=1 behind one proxy (issue 11, item 5)', () => {
  let t: TestApp;
  let proxy: Server;
  let proxyPort: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: '1', PUBLIC_RATE_LIMIT: '30' } });
    const port = await freePort();
    await t.app.listen(port, '127.0.0.1');
    proxy = await appendingProxy(port);
    proxyPort = (proxy.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => proxy?.close(r));
    await t?.close();
  });

  it('a client rotating X-Forwarded-For values still gets only PUBLIC_RATE_LIMIT requests a minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      // A fresh forged address each time, even a chain of them.
      const forged = i % 2 ? `198.51.100.${i}` : `203.0.113.${i}, 192.0.2.${i}`;
      statuses.push(await get(proxyPort, '/api/v1/public/cities', forged));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(statuses.slice(30)).toEqual(Array(10).fill(429));
  });

  it('the address the proxy saw is the client: the same client without a header is limited, another client is not', async () => {
    expect(await get(proxyPort, '/api/v1/public/cities')).toBe(429);
    expect(await get(proxyPort, '/api/v1/public/cities', undefined, '127.0.0.2')).toBe(200);
    expect(await get(proxyPort, '/api/v1/public/cities', '203.0.113.1', '127.0.0.2')).toBe(200);
  });
});
