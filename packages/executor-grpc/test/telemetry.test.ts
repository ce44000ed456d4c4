import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { recordTelemetry, traceIdOf } from '@ubom/testkit/telemetry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serverAttributes } from '../src/telemetry';
import { grpcWork, type RunningServerT, setupExecutor, startServer } from './helpers';

const telemetry = recordTelemetry();
const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('grpc works with an OpenTelemetry SDK registered', () => {
  let server: RunningServerT;
  let ctx: Awaited<ReturnType<typeof setupExecutor>>;
  const work = (method: string, extra: Record<string, unknown> = {}) =>
    grpcWork({ endpoint: server.address, method, tls: { enabled: false }, ...extra });

  beforeAll(async () => {
    server = await startServer();
    ctx = await setupExecutor();
    telemetry.register();
  });
  afterEach(telemetry.reset);
  afterAll(async () => {
    telemetry.unregister();
    await ctx.executor.shutdown();
    await server.stop();
  });

  it('the server reads traceparent metadata of the CLIENT span, in the work span’s trace', async () => {
    const result = await ctx.registry.execute(work('demo.v1.Echo/Unary', { request: { message: 'hi' } }), {
      tracestate: 'ignored=1',
    });
    expect(result.success).toBe(true);
    const workSpan = telemetry.span('ubom.work grpc');
    const call = telemetry.span('demo.v1.Echo/Unary');
    const traceparent = server.state.lastMetadata?.traceparent as string | undefined;
    expect(traceIdOf(traceparent)).toBe(workSpan.spanContext().traceId);
    expect(traceparent).toBe(`00-${call.spanContext().traceId}-${call.spanContext().spanId}-01`);
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(workSpan.spanContext().spanId);
    expect(call.instrumentationScope.name).toBe('@ubom/executor-grpc');
    expect(call.attributes).toEqual({
      'rpc.system': 'grpc',
      'rpc.service': 'demo.v1.Echo',
      'rpc.method': 'Unary',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'rpc.grpc.status_code': 0,
    });
  });

  it('sends the tracestate given with the work', async () => {
    await ctx.registry.execute(work('demo.v1.Echo/Unary', { request: { message: 'hi' } }), {
      traceparent: GIVEN,
      tracestate: 'vendor=abc',
    });
    expect(traceIdOf(server.state.lastMetadata?.traceparent as string)).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
    expect(server.state.lastMetadata?.tracestate).toBe('vendor=abc');
  });

  it('a non-OK status marks the span failed with rpc.grpc.status_code, and retries are counted', async () => {
    const retry = { max_attempts: 3, initial_delay: '10ms', max_delay: '20ms' };
    const failed = await ctx.registry.execute(
      work('demo.v1.Echo/Flaky', { request: { key: 'telemetry-1', fail_times: 5 }, retry }),
      {},
    );
    expect(failed.success).toBe(false);
    const call = telemetry.span('demo.v1.Echo/Flaky');
    expect(call.attributes['rpc.grpc.status_code']).toBe(14);
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UNAVAILABLE: failing call 3 of 5' });
    const retries = await telemetry.points('ubom.grpc.retries');
    expect(retries.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'rpc.service': 'demo.v1.Echo', 'rpc.method': 'Flaky' }, 2],
    ]);
  });

  it('propagate_trace: false sends no traceparent; a traceparent of the work’s own metadata is kept', async () => {
    await ctx.registry.execute(
      work('demo.v1.Echo/Unary', { request: { message: 'hi' }, propagate_trace: false }),
      { traceparent: GIVEN },
    );
    expect(server.state.lastMetadata).not.toHaveProperty('traceparent');
    const own = '00-11111111111111111111111111111111-2222222222222222-00';
    await ctx.registry.execute(
      work('demo.v1.Echo/Unary', { request: { message: 'hi' }, metadata: { traceparent: own } }),
      {},
    );
    expect(server.state.lastMetadata?.traceparent).toBe(own);
  });
});

describe('serverAttributes', () => {
  it('reads the host and port of each target form grpc-js takes', () => {
    expect(serverAttributes('localhost:50051')).toEqual({
      'server.address': 'localhost',
      'server.port': 50051,
    });
    expect(serverAttributes('dns:///api.example.com:443')).toEqual({
      'server.address': 'api.example.com',
      'server.port': 443,
    });
    expect(serverAttributes('[::1]:9000')).toEqual({ 'server.address': '::1', 'server.port': 9000 });
    expect(serverAttributes('ipv4:10.0.0.1:80,10.0.0.2:80')).toEqual({
      'server.address': '10.0.0.1',
      'server.port': 80,
    });
    expect(serverAttributes('unix:///run/app.sock')).toEqual({
      'server.address': '/run/app.sock',
      'network.transport': 'unix',
    });
  });
});
