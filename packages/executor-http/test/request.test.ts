import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpWork, type Setup, setup } from './support/executor';
import { json, startServer, type TestServer } from './support/server';

describe('the request: method, url, query, headers, body', () => {
  let server: TestServer;
  let s: Setup;
  beforeAll(async () => {
    server = await startServer();
    s = await setup();
  });
  afterAll(async () => {
    await s.plugin.shutdown();
    await server.close();
  });
  const last = () => server.seen.at(-1);

  it('adds query parameters to the URL (arrays repeat the key) and sends the headers', async () => {
    const result = await s.run(
      httpWork({
        url: `${server.origin}/echo?keep=1`,
        query: { page: 2, tag: ['a', 'b'], on: true, text: 'a b&c' },
        headers: { 'X-Trace': 'abc', Accept: 'application/json' },
      }),
    );
    expect(result.success).toBe(true);
    expect(last()?.url).toBe('/echo?keep=1&page=2&tag=a&tag=b&on=true&text=a+b%26c');
    expect(last()?.headers).toMatchObject({ 'x-trace': 'abc', accept: 'application/json' });
    expect(last()?.headers['user-agent']).toMatch(/^ubom-executor-http\/\d+\.\d+\.\d+$/);
    expect(result.outputs.url).toBe(`${server.origin}/echo?keep=1&page=2&tag=a&tag=b&on=true&text=a+b%26c`);
    // the routine answer is in the outputs, not in the log
    expect(result.live).toEqual([]);
  });

  it('sends a JSON body with its content type', async () => {
    const result = await s.run(
      httpWork({ url: `${server.origin}/echo`, method: 'POST', body: { json: { a: [1, 'two'] } } }),
    );
    expect(result.outputs.body).toMatchObject({ method: 'POST', body: '{"a":[1,"two"]}' });
    expect(last()?.headers['content-type']).toBe('application/json');
    expect(result.metrics.requestBytes).toBe(15);
  });

  it('sends a form body URL-encoded, arrays repeating the key', async () => {
    await s.run(
      httpWork({ url: `${server.origin}/echo`, method: 'PUT', body: { form: { q: 'a b', n: [1, 2] } } }),
    );
    expect(last()).toMatchObject({ method: 'PUT', body: 'q=a+b&n=1&n=2' });
    expect(last()?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('sends raw text, and a content-type header overrides the default', async () => {
    await s.run(
      httpWork({ url: `${server.origin}/echo`, method: 'PATCH', body: { text: 'line 1\nline 2' } }),
    );
    expect(last()).toMatchObject({ method: 'PATCH', body: 'line 1\nline 2' });
    expect(last()?.headers['content-type']).toBe('text/plain; charset=utf-8');
    await s.run(
      httpWork({
        url: `${server.origin}/echo`,
        method: 'POST',
        headers: { 'Content-Type': 'application/xml' },
        body: { text: '<a/>' },
      }),
    );
    expect(last()?.headers['content-type']).toBe('application/xml');
  });

  it('sends base64 bytes as they decode', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    server.route('/bytes', (req, res, _body, raw) =>
      json(res, 200, { hex: raw.toString('hex'), type: req.headers['content-type'] }),
    );
    const result = await s.run(
      httpWork({ url: `${server.origin}/bytes`, method: 'POST', body: { base64: bytes.toString('base64') } }),
    );
    expect(result.outputs.body).toEqual({ hex: '000102faff', type: 'application/octet-stream' });
    expect(result.metrics.requestBytes).toBe(5);
  });

  it('sends HEAD, DELETE and OPTIONS', async () => {
    for (const method of ['HEAD', 'DELETE', 'OPTIONS'] as const) {
      const result = await s.run(httpWork({ url: `${server.origin}/echo`, method }));
      expect(result.success).toBe(true);
      expect(last()?.method).toBe(method);
    }
  });
});

describe('the response: outputs, success_status, formats, extract', () => {
  let server: TestServer;
  let s: Setup;
  beforeAll(async () => {
    server = await startServer({
      routes: {
        '/user': (_req, res) =>
          json(res, 200, { data: { id: 42, 'a/b': 'slash', 'm~n': 'tilde', tags: ['x', 'y'] } }),
        '/problem': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/problem+json; charset=utf-8' });
          res.end('{"title":"ok"}');
        },
        '/not-json': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('<html>oops</html>');
        },
        '/latin1': (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' });
          res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
        },
        '/cookies': (_req, res) => {
          res.writeHead(200, [
            ['Set-Cookie', 'a=1'],
            ['Set-Cookie', 'b=2'],
            ['Content-Type', 'text/plain'],
          ]);
          res.end('ok');
        },
      },
    });
    s = await setup();
  });
  afterAll(async () => {
    await s.plugin.shutdown();
    await server.close();
  });

  it('outputs status, headers (lower case, repeated ones as arrays), the final url and the parsed JSON body', async () => {
    const result = await s.run(httpWork({ url: `${server.origin}/user` }));
    expect(result.success).toBe(true);
    expect(result.outputs).toMatchObject({
      status: 200,
      url: `${server.origin}/user`,
      body: { data: { id: 42 } },
      headers: { 'content-type': 'application/json' },
    });
    expect(result.metrics).toMatchObject({ statusCode: 200, attempts: 1, redirects: 0, requestBytes: 0 });
    expect(result.metrics.responseBytes).toBeGreaterThan(10);
    expect(typeof result.metrics.ttfbMs).toBe('number');
    const cookies = await s.run(httpWork({ url: `${server.origin}/cookies` }));
    expect(cookies.outputs.headers).toMatchObject({ 'set-cookie': ['a=1', 'b=2'] });
    expect(cookies.outputs.body).toBe('ok');
  });

  it('parses +json types, keeps other types as text, decodes the charset, and can force base64', async () => {
    expect((await s.run(httpWork({ url: `${server.origin}/problem` }))).outputs.body).toEqual({
      title: 'ok',
    });
    expect((await s.run(httpWork({ url: `${server.origin}/text` }))).outputs.body).toBe('hello, world');
    expect((await s.run(httpWork({ url: `${server.origin}/latin1` }))).outputs.body).toBe('café');
    const b64 = await s.run(httpWork({ url: `${server.origin}/text`, response_format: 'base64' }));
    expect(b64.outputs.body).toBe(Buffer.from('hello, world').toString('base64'));
    const forced = await s.run(httpWork({ url: `${server.origin}/user`, response_format: 'text' }));
    expect(typeof forced.outputs.body).toBe('string');
  });

  it('keeps a body that says JSON but is not as text with a warning, or fails with response_format json', async () => {
    const auto = await s.run(httpWork({ url: `${server.origin}/not-json` }));
    expect(auto.success).toBe(true);
    expect(auto.outputs.body).toBe('<html>oops</html>');
    expect(auto.live).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/not JSON.*kept as text/) }),
    );
    const strict = await s.run(httpWork({ url: `${server.origin}/not-json`, response_format: 'json' }));
    expect(strict.success).toBe(false);
    expect(strict.error).toMatch(/HTTP 200 .* the response body is not JSON/);
  });

  it('a status outside success_status resolves success:false with the status and a bounded excerpt of the body', async () => {
    server.route('/long-404', (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`${'x'.repeat(5000)}\n\n${'y'.repeat(100)}`);
    });
    const result = await s.run(httpWork({ url: `${server.origin}/long-404` }));
    expect(result.success).toBe(false);
    expect(result.outputs.status).toBe(404);
    expect(result.error).toMatch(
      /^HTTP 404 Not Found from GET http:\/\/127\.0\.0\.1:\d+\/long-404: x{512}…$/,
    );
    expect(result.error?.length).toBeLessThan(700);
    expect(result.metrics.statusCode).toBe(404);
    const ok = await s.run(
      httpWork({ url: `${server.origin}/status?code=404&body=gone`, success_status: ['2xx', 404] }),
    );
    expect(ok.success).toBe(true);
    expect(ok.outputs.body).toBe('gone');
    const notAll2xx = await s.run(
      httpWork({ url: `${server.origin}/status?code=202`, success_status: [200] }),
    );
    expect(notAll2xx).toMatchObject({ success: false, error: expect.stringMatching(/^HTTP 202 Accepted/) });
  });

  it('extract lifts values by JSON pointer into outputs (~1 and ~0 escapes, array indexes)', async () => {
    const result = await s.run(
      httpWork({
        url: `${server.origin}/user`,
        extract: {
          user_id: '/data/id',
          slash: '/data/a~1b',
          tilde: '/data/m~0n',
          second_tag: '/data/tags/1',
          whole: '',
        },
      }),
    );
    expect(result.success).toBe(true);
    expect(result.outputs).toMatchObject({ user_id: 42, slash: 'slash', tilde: 'tilde', second_tag: 'y' });
    expect(result.outputs.whole).toEqual(result.outputs.body);
  });

  it('an extract that matches nothing fails the work, naming it', async () => {
    const result = await s.run(
      httpWork({ url: `${server.origin}/user`, extract: { missing: '/data/nope' } }),
    );
    expect(result).toMatchObject({
      success: false,
      error: 'extract.missing: "/data/nope" matches nothing in the response body',
    });
    expect(result.outputs.body).toMatchObject({ data: { id: 42 } });
    const text = await s.run(httpWork({ url: `${server.origin}/text`, extract: { a: '/a' } }));
    expect(text.error).toMatch(/which is not JSON/);
  });
});
