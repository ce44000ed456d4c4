import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from '../src';
import { httpWork, type Setup, setup } from './support/executor';
import { json, startServer, type TestServer } from './support/server';

describe('retry: statuses, network errors, Retry-After, idempotent methods', () => {
  let server: TestServer;
  let s: Setup;
  const calls = new Map<string, number[]>();
  beforeAll(async () => {
    server = await startServer({
      routes: {
        // answers `status` (with `retry-after` when given) `fail` times per key, then 200
        '/flaky': (req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          const key = url.searchParams.get('key') ?? '';
          const seen = [...(calls.get(key) ?? []), Date.now()];
          calls.set(key, seen);
          if (seen.length > Number(url.searchParams.get('fail') ?? 0))
            return json(res, 200, { attempt: seen.length });
          const after = url.searchParams.get('after');
          if (url.searchParams.get('drop')) return void req.socket.destroy();
          json(
            res,
            Number(url.searchParams.get('status') ?? 503),
            { attempt: seen.length },
            after ? { 'retry-after': after } : {},
          );
        },
      },
    });
    s = await setup();
  });
  afterAll(async () => {
    await s.plugin.shutdown();
    await server.close();
  });
  const flaky = (key: string, query: string) => `${server.origin}/flaky?key=${key}&${query}`;
  const quick = { max_attempts: 3, initial_delay: '10ms' };

  it('retries retry_on statuses with backoff and succeeds; attempts and waits in metrics, each retry logged', async () => {
    const result = await s.run(httpWork({ url: flaky('a', 'fail=2&status=503'), retry: quick }));
    expect(result.success).toBe(true);
    expect(result.outputs.body).toEqual({ attempt: 3 });
    expect(result.metrics.attempts).toBe(3);
    expect(result.metrics.retryDelayMs).toBeGreaterThan(0);
    const retries = result.live.filter((e) => e.level === 'warn').map((e) => e.message);
    expect(retries).toEqual([
      expect.stringMatching(/^HTTP 503 from GET .*: retrying in \d+ms \(attempt 2 of 3\)$/),
      expect.stringMatching(/^HTTP 503 from GET .*: retrying in \d+ms \(attempt 3 of 3\)$/),
    ]);
  });

  it('gives the last answer when the attempts run out', async () => {
    const result = await s.run(httpWork({ url: flaky('b', 'fail=9&status=502'), retry: quick }));
    expect(result).toMatchObject({ success: false, outputs: { status: 502 }, metrics: { attempts: 3 } });
    expect(result.error).toMatch(/^HTTP 502 Bad Gateway/);
  });

  it('does not retry without retry, nor statuses outside retry_on, nor statuses in success_status', async () => {
    expect((await s.run(httpWork({ url: flaky('c', 'fail=1&status=503') }))).metrics.attempts).toBe(1);
    expect(
      (await s.run(httpWork({ url: flaky('d', 'fail=1&status=500'), retry: quick }))).metrics.attempts,
    ).toBe(1);
    const accepted = await s.run(
      httpWork({ url: flaky('e', 'fail=1&status=503'), retry: quick, success_status: ['2xx', 503] }),
    );
    expect(accepted).toMatchObject({ success: true, metrics: { attempts: 1 } });
  });

  it('honours Retry-After (seconds): waits as long as the server asks', async () => {
    const result = await s.run(httpWork({ url: flaky('f', 'fail=1&status=429&after=1'), retry: quick }));
    expect(result.success).toBe(true);
    const [first, second] = calls.get('f') ?? [];
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(950);
    expect(result.metrics.retryDelayMs).toBe(1000);
    expect(result.live.some((e) => /retrying in 1s/.test(e.message))).toBe(true);
  });

  it('stops retrying when Retry-After is longer than max_delay, and says why', async () => {
    const result = await s.run(
      httpWork({ url: flaky('g', 'fail=1&status=503&after=120'), retry: { ...quick, max_delay: '5s' } }),
    );
    expect(result).toMatchObject({ success: false, outputs: { status: 503 }, metrics: { attempts: 1 } });
    expect(
      result.live.some(
        (e) =>
          e.level === 'warn' &&
          /retry after 2m.*longer than retry\.max_delay \(5s\): not retrying/.test(e.message),
      ),
    ).toBe(true);
  });

  it('retries only idempotent methods unless told: POST once by default, retried when listed', async () => {
    const post = await s.run(
      httpWork({ url: flaky('h', 'fail=1&status=503'), method: 'POST', body: { json: {} }, retry: quick }),
    );
    expect(post).toMatchObject({ success: false, metrics: { attempts: 1 } });
    const told = await s.run(
      httpWork({
        url: flaky('i', 'fail=1&status=503'),
        method: 'POST',
        body: { json: { n: 1 } },
        retry: { ...quick, methods: ['POST'] },
      }),
    );
    expect(told).toMatchObject({ success: true, metrics: { attempts: 2 } });
    expect(server.seen.filter((r) => r.url.includes('key=i')).map((r) => r.body)).toEqual([
      '{"n":1}',
      '{"n":1}',
    ]);
    const put = await s.run(
      httpWork({ url: flaky('j', 'fail=1&status=503'), method: 'PUT', body: { text: 'x' }, retry: quick }),
    );
    expect(put).toMatchObject({ success: true, metrics: { attempts: 2 } });
  });

  it('retries network errors (a dropped connection), and rejects UnavailableError when they persist', async () => {
    const result = await s.run(httpWork({ url: flaky('k', 'fail=2&drop=1'), retry: quick }));
    expect(result).toMatchObject({ success: true, metrics: { attempts: 3 } });
    expect(result.live.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      expect.stringMatching(/^GET .* failed: .*: retrying in \d+ms \(attempt 2 of 3\)$/),
      expect.stringMatching(/^GET .* failed: .*: retrying in \d+ms \(attempt 3 of 3\)$/),
    ]);
    const error = await s
      .run(httpWork({ url: flaky('l', 'fail=9&drop=1'), retry: quick }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(calls.get('l')).toHaveLength(3);
    const once = await s.run(httpWork({ url: flaky('m', 'fail=9&drop=1') })).catch((e: unknown) => e);
    expect(once).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      message: expect.stringMatching(/^\[ubom\] \[http\] GET http.* failed: /),
    });
    expect(calls.get('m')).toHaveLength(1);
  });

  it('a cancel during the wait between attempts rejects with AbortError at once', async () => {
    const controller = new AbortController();
    const running = s.run(
      httpWork({ url: flaky('n', 'fail=9&status=503&after=20'), retry: { ...quick, max_delay: '1m' } }),
      controller.signal,
    );
    while ((calls.get('n') ?? []).length === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'ABORTED' });
    expect(calls.get('n')).toHaveLength(1);
  });
});

describe('retry timing helpers', () => {
  it('backoff grows by the multiplier, is capped at max_delay, and jitters between half and all of it', () => {
    const policy = { maxAttempts: 5, retryOn: new Set<number>(), initialMs: 100, maxMs: 1000, multiplier: 3 };
    expect([1, 2, 3, 4].map((n) => backoffMs(policy, n, () => 1))).toEqual([100, 300, 900, 1000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(policy, n, () => 0))).toEqual([50, 150, 450, 500]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
