import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpWork, type Setup, setup } from './support/executor';
import { startServer, type TestServer } from './support/server';

const redirect = (res: ServerResponse, status: number, location: string) => {
  res.writeHead(status, { location, 'content-type': 'text/plain' });
  res.end(`see ${location}`);
};

describe('redirects: followed up to a limit, credentials only to the same origin', () => {
  let home: TestServer;
  let other: TestServer;
  let s: Setup;
  beforeAll(async () => {
    other = await startServer();
    home = await startServer({
      routes: {
        '/go': (req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          redirect(res, Number(url.searchParams.get('status') ?? 302), url.searchParams.get('to') ?? '/echo');
        },
        '/loop': (_req, res) => redirect(res, 302, '/loop'),
        '/ftp': (_req, res) => redirect(res, 301, 'ftp://example.com/file'),
      },
    });
    s = await setup();
  });
  afterAll(async () => {
    await s.plugin.shutdown();
    await Promise.all([home.close(), other.close()]);
  });
  const go = (to: string, status = 302) => `${home.origin}/go?status=${status}&to=${encodeURIComponent(to)}`;

  it('follows a same-origin redirect with the credentials; outputs the final url and metrics.redirects', async () => {
    const result = await s.run(
      httpWork({ url: go('/echo?x=1'), auth: { type: 'bearer', token: 'same-origin-t0ken' } }),
    );
    expect(result.success).toBe(true);
    expect(result.outputs.url).toBe(`${home.origin}/echo?x=1`);
    expect(result.metrics.redirects).toBe(1);
    expect(home.seen.at(-1)?.headers.authorization).toBe('Bearer same-origin-t0ken');
    expect(result.live.map((e) => e.message)).toEqual([
      `GET ${home.origin}/go?status=302&to=%2Fecho%3Fx%3D1 → 302, redirected to ${home.origin}/echo?x=1`,
    ]);
  });

  for (const auth of [
    { type: 'bearer', token: 'cross-origin-t0ken' },
    { type: 'basic', username: 'u', password: 'cross-origin-pw' },
    { type: 'api_key', header: 'X-Api-Key', value: 'cross-origin-k3y' },
  ] as const) {
    it(`sends no ${auth.type} credentials, cookie or proxy authorization to another origin`, async () => {
      const result = await s.run(
        httpWork({
          url: go(`${other.origin}/echo`),
          auth,
          headers: { Cookie: 'session=abc', 'Proxy-Authorization': 'Basic eA==', 'X-Kept': 'yes' },
        }),
      );
      expect(result.success).toBe(true);
      expect(result.outputs.url).toBe(`${other.origin}/echo`);
      const first = home.seen.at(-1)?.headers ?? {};
      expect(first.cookie).toBe('session=abc');
      expect(first.authorization ?? first['x-api-key']).toBeDefined();
      const there = other.seen.at(-1)?.headers ?? {};
      expect(there).toMatchObject({ 'x-kept': 'yes' });
      for (const name of ['authorization', 'x-api-key', 'cookie', 'proxy-authorization'])
        expect(there[name]).toBeUndefined();
      expect(result.live.map((e) => e.message)).toEqual([
        expect.stringMatching(
          new RegExp(
            `→ 302, redirected to ${other.origin}/echo \\(another origin: credentials are not sent there\\)$`,
          ),
        ),
      ]);
    });
  }

  it('a redirect back to the own origin carries the credentials again', async () => {
    other.route('/back', (_req, res) => redirect(res, 302, `${home.origin}/echo?back=1`));
    await s.run(
      httpWork({ url: go(`${other.origin}/back`), auth: { type: 'bearer', token: 'back-home-t0ken' } }),
    );
    expect(other.seen.at(-1)?.headers.authorization).toBeUndefined();
    expect(home.seen.at(-1)).toMatchObject({
      url: '/echo?back=1',
      headers: { authorization: 'Bearer back-home-t0ken' },
    });
  });

  it('303 (and 301/302 after a POST) go on as a GET without the body; 307 and 308 keep method and body', async () => {
    for (const [status, method] of [
      [303, 'GET'],
      [302, 'GET'],
      [301, 'GET'],
      [307, 'POST'],
      [308, 'POST'],
    ] as const) {
      const result = await s.run(
        httpWork({ url: go('/echo', status), method: 'POST', body: { json: { n: status } } }),
      );
      expect(result.outputs.body, `after ${status}`).toMatchObject({
        method,
        body: method === 'POST' ? `{"n":${status}}` : '',
      });
      if (method === 'GET') expect(home.seen.at(-1)?.headers['content-type']).toBeUndefined();
    }
    const put = await s.run(httpWork({ url: go('/echo', 302), method: 'PUT', body: { text: 'kept' } }));
    expect(put.outputs.body).toMatchObject({ method: 'PUT', body: 'kept' });
  });

  it('stops after max_redirects with success:false naming the next location', async () => {
    const result = await s.run(httpWork({ url: `${home.origin}/loop`, max_redirects: 3 }));
    expect(result.success).toBe(false);
    expect(result.error).toMatch(
      /^stopped after 3 redirects \(max_redirects\): http:\/\/127\.0\.0\.1:\d+\/loop redirects to http:\/\/127\.0\.0\.1:\d+\/loop$/,
    );
    expect(home.seen.filter((r) => r.url === '/loop').length).toBeGreaterThanOrEqual(4);
  });

  it('max_redirects 0 makes the 3xx the answer (a success when success_status allows it)', async () => {
    const result = await s.run(
      httpWork({ url: go('/echo', 302), max_redirects: 0, success_status: ['2xx', '3xx'] }),
    );
    expect(result).toMatchObject({
      success: true,
      outputs: { status: 302, headers: { location: '/echo' }, body: 'see /echo' },
    });
    const refused = await s.run(httpWork({ url: go('/echo', 302), max_redirects: 0 }));
    expect(refused).toMatchObject({
      success: false,
      error: expect.stringMatching(/^HTTP 302 Found from GET .*: see \/echo$/),
    });
  });

  it('refuses to follow a redirect to something other than http(s)', async () => {
    const result = await s.run(httpWork({ url: `${home.origin}/ftp` }));
    expect(result).toMatchObject({
      success: false,
      error: expect.stringMatching(/redirects to ftp: URL, which is not followed/),
    });
  });
});
