import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { recordTelemetry, traceIdOf } from '@ubom/testkit/telemetry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fullUrl } from '../src/telemetry';
import { httpWork, type Setup, setup } from './support/executor';
import { json, startServer, type TestServer } from './support/server';

const telemetry = recordTelemetry();
const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const TOKEN = 'tok-telemetry-0123456789abcdef';

describe('http works with an OpenTelemetry SDK registered', () => {
  let server: TestServer;
  let s: Setup;
  let fails = 0;
  beforeAll(async () => {
    server = await startServer({
      routes: {
        '/once': (_req, res) => (fails++ === 0 ? json(res, 503, {}) : json(res, 200, { ok: true })),
        '/missing': (_req, res) => json(res, 404, { error: 'no' }),
      },
    });
    s = await setup();
    telemetry.register();
  });
  afterEach(telemetry.reset);
  afterAll(async () => {
    telemetry.unregister();
    await s.plugin.shutdown();
    await server.close();
  });
  const last = () => server.seen.at(-1);

  it('sends the traceparent of its CLIENT span, with the HTTP client attributes; the token stays out', async () => {
    const result = await s.registry.execute(
      httpWork({
        url: `${server.origin}/echo?sig=abc&page=2`,
        auth: { type: 'bearer', token: TOKEN },
      }),
      { tracestate: 'ignored=1' },
    );
    expect(result.success).toBe(true);
    const work = telemetry.span('ubom.work http');
    const call = telemetry.span('GET');
    const traceparent = last()?.headers.traceparent as string;
    expect(traceIdOf(traceparent)).toBe(work.spanContext().traceId);
    expect(traceparent).toBe(`00-${call.spanContext().traceId}-${call.spanContext().spanId}-01`);
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(work.spanContext().spanId);
    expect(call.instrumentationScope.name).toBe('@ubom/executor-http');
    expect(call.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': `${server.origin}/echo?sig=REDACTED&page=2`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'http.response.status_code': 200,
    });
    expect(JSON.stringify(telemetry.spans().map((x) => [x.attributes, x.events]))).not.toContain(TOKEN);
  });

  it('passes the given tracestate on; a traceparent header of the work’s own is kept', async () => {
    await s.registry.execute(httpWork({ url: `${server.origin}/echo` }), {
      traceparent: GIVEN,
      tracestate: 'vendor=abc',
    });
    expect(traceIdOf(last()?.headers.traceparent as string)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(last()?.headers.tracestate).toBe('vendor=abc');
    const own = '00-11111111111111111111111111111111-2222222222222222-00';
    await s.registry.execute(httpWork({ url: `${server.origin}/echo`, headers: { TraceParent: own } }), {});
    expect(last()?.headers.traceparent).toBe(own);
  });

  it('counts resends and marks a failed status ERROR', async () => {
    await s.registry.execute(
      httpWork({ url: `${server.origin}/once`, retry: { max_attempts: 2, initial_delay: '10ms' } }),
      {},
    );
    expect(telemetry.span('GET').attributes['http.request.resend_count']).toBe(1);
    telemetry.reset();
    const result = await s.registry.execute(httpWork({ url: `${server.origin}/missing` }), {});
    expect(result.success).toBe(false);
    const call = telemetry.span('GET');
    expect(call.attributes['http.response.status_code']).toBe(404);
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: result.error });
  });

  it('propagate_trace: false sends no traceparent', async () => {
    await s.registry.execute(httpWork({ url: `${server.origin}/echo`, propagate_trace: false }), {
      traceparent: GIVEN,
    });
    expect(last()?.headers).not.toHaveProperty('traceparent');
  });
});

describe('fullUrl', () => {
  it('redacts user, password and signature query values, as the conventions say', () => {
    expect(fullUrl(new URL('https://u:p@example.com/a?X-Goog-Signature=s&AWSAccessKeyId=k&x=1'))).toBe(
      'https://REDACTED:REDACTED@example.com/a?X-Goog-Signature=REDACTED&AWSAccessKeyId=REDACTED&x=1',
    );
    expect(fullUrl(new URL('http://example.com/plain'))).toBe('http://example.com/plain');
  });
});
