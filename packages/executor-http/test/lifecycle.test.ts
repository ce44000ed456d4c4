import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpWork, type Setup, setup } from './support/executor';
import { eventually, startServer, type TestServer } from './support/server';

describe('connections: pooled per origin, closed by shutdown; cancel and timeout', () => {
  let a: TestServer;
  let b: TestServer;
  let s: Setup;
  beforeAll(async () => {
    [a, b] = await Promise.all([startServer(), startServer()]);
  });
  afterEach(async () => {
    await s.plugin.shutdown();
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('reuses one connection per origin across works, and shutdown closes every one of them', async () => {
    s = await setup();
    const [fromA, fromB] = [a.accepted(), b.accepted()];
    for (let i = 0; i < 5; i++) {
      expect((await s.run(httpWork({ url: `${a.origin}/echo` }))).success).toBe(true);
      expect((await s.run(httpWork({ url: `${b.origin}/echo` }))).success).toBe(true);
    }
    expect([a.accepted() - fromA, b.accepted() - fromB]).toEqual([1, 1]);
    const state = s.plugin.state;
    expect(state.stats()).toMatchObject({ origins: 2, connected: 2, running: 0, inFlight: 0 });
    await s.plugin.shutdown();
    expect(state.stats()).toMatchObject({ connected: 0, inFlight: 0 });
    expect(await eventually(() => a.connections() + b.connections(), 0)).toBe(0);
  });

  it('connections_per_origin bounds the pool: works beyond it wait for a free connection', async () => {
    s = await setup({ connections_per_origin: 1 });
    const before = a.accepted();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => s.run(httpWork({ url: `${a.origin}/echo` }))),
    );
    expect(results.every((r) => r.success)).toBe(true);
    expect(a.accepted() - before).toBe(1);
  });

  it('a cancel aborts the request at once: the server sees the connection close, nothing stays in flight', async () => {
    s = await setup();
    const controller = new AbortController();
    const seen = a.seen.length;
    const running = s.run(httpWork({ url: `${a.origin}/hang` }), controller.signal);
    await eventually(() => a.seen.length > seen, true);
    expect(a.openRequests()).toBe(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'ABORTED' });
    expect(s.plugin.state.inFlight).toBe(0);
    expect(await a.settled()).toBe(0);
  });

  it('executor_config.timeout resolves success:false "timed out after …" and closes the request', async () => {
    s = await setup();
    const result = await s.run(httpWork({ url: `${a.origin}/hang`, timeout: '300ms' }));
    expect(result).toMatchObject({
      success: false,
      error: 'timed out after 300ms',
      metrics: { timedOut: true },
    });
    expect(await a.settled()).toBe(0);
  });

  it('a refused connection rejects with a retryable UnavailableError naming the request', async () => {
    s = await setup();
    const closed = await startServer();
    const url = `${closed.origin}/echo`;
    await closed.close();
    await expect(s.run(httpWork({ url }))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      message: expect.stringMatching(
        /^\[ubom\] \[http\] GET http:\/\/127\.0\.0\.1:\d+\/echo failed: .*ECONNREFUSED/,
      ),
    });
  });
});

describe('dry run: resolves DNS and connects, sends nothing', () => {
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

  it('reports the addresses of the host (and of the token endpoint) without sending a request', async () => {
    const seen = server.seen.length;
    const found = await s.plugin.dryRun(
      httpWork({
        url: `http://localhost:${server.port}/echo`,
        auth: {
          type: 'oauth2_client_credentials',
          token_url: `${server.origin}/token`,
          client_id: 'c',
          client_secret: 's3cret-v',
        },
      }),
    );
    expect(found).toEqual({
      reachable: [
        { url: `http://localhost:${server.port}`, addresses: expect.arrayContaining(['127.0.0.1']) },
        { url: server.origin, addresses: ['127.0.0.1'] },
      ],
    });
    expect(server.seen.length).toBe(seen);
  });

  it('a host that does not resolve is a ValidationError at the url; a refused port an UnavailableError', async () => {
    await expect(
      s.registry.validateWork(httpWork({ url: 'http://ubom-no-such-host.invalid/' }), { dryRun: true }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [
        {
          path: 'executor_config.url',
          message: expect.stringMatching(/^the host ubom-no-such-host\.invalid does not resolve/),
        },
      ],
    });
    const closed = await startServer();
    await closed.close();
    await expect(s.plugin.dryRun(httpWork({ url: `${closed.origin}/` }))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/cannot connect to 127\.0\.0\.1:\d+/),
    });
  });
});
