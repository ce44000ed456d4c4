import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { recordTelemetry, traceIdOf } from '@ubom/testkit/telemetry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { harness, lines, target, work } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

const telemetry = recordTelemetry();
const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const PRINT = 'echo "tp=$TRACEPARENT"; echo "ts=$TRACESTATE"';

let sshd: TestSshd;
let h: Awaited<ReturnType<typeof harness>>;
beforeAll(async () => {
  sshd = await startSshd(['AcceptEnv TRACEPARENT TRACESTATE']);
  h = await harness();
  telemetry.register();
});
afterEach(telemetry.reset);
afterAll(async () => {
  telemetry.unregister();
  await h?.plugin.shutdown();
  await sshd?.stop();
});

const exec = (config: Record<string, unknown>, wc: Record<string, string> = {}) =>
  h.registry.execute(work({ ...target(sshd), ...config }), wc);
const printed = (logs: Parameters<typeof lines>[0], name: 'tp' | 'ts') =>
  lines(logs, 'stdout')
    .find((l) => l.startsWith(`${name}=`))
    ?.slice(3);

describe('ssh works with an OpenTelemetry SDK registered', () => {
  it('the remote command sees TRACEPARENT of its CLIENT span, in the work span’s trace', async () => {
    const result = await exec({ command: PRINT }, { tracestate: 'ignored=1' });
    expect(result.success).toBe(true);
    const workSpan = telemetry.span('ubom.work ssh');
    const call = telemetry.span('ssh exec');
    const traceparent = printed(result.logs, 'tp');
    expect(traceIdOf(traceparent)).toBe(workSpan.spanContext().traceId);
    expect(traceparent).toBe(`00-${call.spanContext().traceId}-${call.spanContext().spanId}-01`);
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(workSpan.spanContext().spanId);
    expect(call.attributes).toEqual({
      'server.address': sshd.host,
      'server.port': sshd.port,
      'process.exit.code': 0,
    });
  });

  it('passes the tracestate on; with remote_shell none through env requests the server accepts', async () => {
    const result = await exec({ command: PRINT }, { traceparent: GIVEN, tracestate: 'vendor=abc' });
    expect(traceIdOf(printed(result.logs, 'tp'))).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(printed(result.logs, 'ts')).toBe('vendor=abc');
    const none = await exec({ command: `sh -c '${PRINT}'`, remote_shell: 'none' }, { traceparent: GIVEN });
    expect(traceIdOf(printed(none.logs, 'tp'))).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('a non-zero exit marks the span failed', async () => {
    const result = await exec({ command: 'exit 5' });
    expect(result.success).toBe(false);
    const call = telemetry.span('ssh exec');
    expect(call.attributes['process.exit.code']).toBe(5);
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: result.error });
  });

  it('propagate_trace: false keeps TRACEPARENT out; a TRACEPARENT of the work’s own stays', async () => {
    const off = await exec({ command: PRINT, propagate_trace: false }, { traceparent: GIVEN });
    expect(printed(off.logs, 'tp')).toBe('');
    const own = '00-11111111111111111111111111111111-2222222222222222-00';
    const kept = await exec({ command: PRINT, environment: { TRACEPARENT: own } });
    expect(printed(kept.logs, 'tp')).toBe(own);
  });
});
