import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { recordTelemetry, traceIdOf } from '@ubom/testkit/telemetry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lines, processWork, registry } from './support/run';

const telemetry = recordTelemetry();
const PRINT = ['sh', '-c', 'echo "tp=$TRACEPARENT"; echo "ts=$TRACESTATE"'];
const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const printed = (logs: Parameters<typeof lines>[0], name: 'tp' | 'ts') =>
  lines(logs, 'stdout')
    .find((l) => l.startsWith(`${name}=`))
    ?.slice(3);

describe('process works with an OpenTelemetry SDK registered', () => {
  beforeAll(telemetry.register);
  afterAll(telemetry.unregister);
  afterEach(telemetry.reset);

  it('the command sees TRACEPARENT of its CLIENT span, in the work span’s trace', async () => {
    const result = await registry.execute(processWork({ command: PRINT }), { tracestate: 'ignored' });
    expect(result.success).toBe(true);
    const work = telemetry.span('ubom.work process');
    const call = telemetry.span('process sh');
    const traceparent = printed(result.logs, 'tp');
    expect(traceIdOf(traceparent)).toBe(work.spanContext().traceId);
    expect(traceparent).toBe(`00-${call.spanContext().traceId}-${call.spanContext().spanId}-01`);
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(work.spanContext().spanId);
    expect(call.attributes).toEqual({
      'process.executable.name': 'sh',
      'process.pid': result.outputs.pid,
      'process.exit.code': 0,
    });
    expect(call.instrumentationScope.name).toBe('@ubom/executor-process');
  });

  it('passes the tracestate given with the work on, and the work span is a child of its traceparent', async () => {
    const result = await registry.execute(processWork({ command: PRINT }), {
      traceparent: GIVEN,
      tracestate: 'vendor=abc',
    });
    expect(traceIdOf(printed(result.logs, 'tp'))).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(printed(result.logs, 'ts')).toBe('vendor=abc');
    expect(telemetry.span('ubom.work process').parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('a non-zero exit marks the CLIENT span failed with its exit code', async () => {
    const result = await registry.execute(processWork({ command: ['sh', '-c', 'exit 3'] }), {});
    expect(result.success).toBe(false);
    const call = telemetry.span('process sh');
    expect(call.attributes['process.exit.code']).toBe(3);
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the command exited with code 3' });
  });

  it('propagate_trace: false keeps TRACEPARENT out of the command; the spans are still recorded', async () => {
    const result = await registry.execute(processWork({ command: PRINT, propagate_trace: false }), {
      traceparent: GIVEN,
    });
    expect(printed(result.logs, 'tp')).toBe('');
    expect(telemetry.span('process sh').spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('a TRACEPARENT the work sets in its environment is left as it is', async () => {
    const own = '00-11111111111111111111111111111111-2222222222222222-00';
    const result = await registry.execute(
      processWork({ command: PRINT, environment: { TRACEPARENT: own } }),
      {},
    );
    expect(printed(result.logs, 'tp')).toBe(own);
  });
});

describe('process works without an SDK', () => {
  it('pass the traceparent given with the work through to the command', async () => {
    const result = await registry.execute(processWork({ command: PRINT }), { traceparent: GIVEN });
    expect(printed(result.logs, 'tp')).toBe(GIVEN);
    expect(telemetry.spans()).toEqual([]);
  });
});
