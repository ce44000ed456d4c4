import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { EnhancedWorkRegistry } from '@ubom/core';
import { recordTelemetry, traceIdOf } from '@ubom/testkit/telemetry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { imageAttributes } from '../src/telemetry';
import { countManaged, docker, dockerWork, IMAGE, newExecutor } from './support/docker';
import { type FakeRegistry, startRegistry } from './support/registry';

const telemetry = recordTelemetry();
const PRINT = ['sh', '-c', 'echo "tp=$TRACEPARENT"; echo "ts=$TRACESTATE"'];
const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const printed = (stdout: unknown, name: 'tp' | 'ts') =>
  String(stdout)
    .split('\n')
    .find((l) => l.startsWith(`${name}=`))
    ?.slice(3);

let executor: DockerExecutor;
const registry = new EnhancedWorkRegistry();
beforeAll(async () => {
  executor = await newExecutor();
  registry.registerExecutor('docker', executor);
  telemetry.register();
});
afterEach(telemetry.reset);
afterAll(async () => {
  telemetry.unregister();
  await executor.shutdown();
  expect(await countManaged()).toBe(0);
});

describe('docker works with an OpenTelemetry SDK registered', () => {
  it('the container sees TRACEPARENT of its CLIENT span, in the work span’s trace', async () => {
    const result = await registry.execute(dockerWork({ command: PRINT }), { tracestate: 'ignored=1' });
    expect(result.success).toBe(true);
    const work = telemetry.span('ubom.work docker');
    const call = telemetry.span('docker run');
    const traceparent = printed(result.outputs.stdout, 'tp');
    expect(traceIdOf(traceparent)).toBe(work.spanContext().traceId);
    expect(traceparent).toBe(`00-${call.spanContext().traceId}-${call.spanContext().spanId}-01`);
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(work.spanContext().spanId);
    expect(call.instrumentationScope.name).toBe('@ubom/executor-docker');
    expect(call.attributes).toEqual({
      ...imageAttributes(IMAGE),
      'container.id': result.outputs.container_id,
      'container.image.id': result.outputs.image_id,
      'process.exit.code': 0,
    });
  });

  it('passes the given tracestate on, and the work span is a child of the given traceparent', async () => {
    const result = await registry.execute(dockerWork({ command: PRINT }), {
      traceparent: GIVEN,
      tracestate: 'vendor=abc',
    });
    expect(traceIdOf(printed(result.outputs.stdout, 'tp'))).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(printed(result.outputs.stdout, 'ts')).toBe('vendor=abc');
  });

  it('a non-zero exit marks the CLIENT span failed', async () => {
    const result = await registry.execute(dockerWork({ command: ['sh', '-c', 'exit 4'] }), {});
    expect(result.success).toBe(false);
    const call = telemetry.span('docker run');
    expect(call.attributes['process.exit.code']).toBe(4);
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the container exited with code 4' });
  });

  it('propagate_trace: false keeps TRACEPARENT out of the container; a TRACEPARENT of its own stays', async () => {
    const off = await registry.execute(dockerWork({ command: PRINT, propagate_trace: false }), {
      traceparent: GIVEN,
    });
    expect(printed(off.outputs.stdout, 'tp')).toBe('');
    const own = '00-11111111111111111111111111111111-2222222222222222-00';
    const kept = await registry.execute(
      dockerWork({ command: PRINT, environment: { TRACEPARENT: own } }),
      {},
    );
    expect(printed(kept.outputs.stdout, 'tp')).toBe(own);
  });
});

describe('image pulls', () => {
  let fake: FakeRegistry;
  beforeAll(async () => {
    fake = await startRegistry({ username: 'robot', password: 'pw-telemetry-1234' });
  });
  afterAll(async () => {
    await docker
      .getImage(`${fake.repository}:latest`)
      .remove({ force: true })
      .catch(() => {});
    await fake.close();
  });

  it('records ubom.docker.image.pull.duration by image name', async () => {
    const image = `${fake.repository}:latest`;
    const auth = { username: 'robot', password: 'pw-telemetry-1234' };
    const result = await registry.execute(dockerWork({ image, command: ['true'], auth }), {});
    expect(result.metrics.pullMs).toBeGreaterThan(0);
    const points = await telemetry.points('ubom.docker.image.pull.duration');
    const point = points.find((p) => p.attributes['container.image.name'] === fake.repository);
    expect((point?.value as Histogram | undefined)?.count).toBe(1);
    expect(JSON.stringify(telemetry.spans().map((s) => s.attributes))).not.toContain(auth.password);
  });
});

describe('imageAttributes', () => {
  it('splits a reference the way the semantic conventions name its parts', () => {
    expect(imageAttributes('busybox')).toEqual({
      'container.image.name': 'busybox',
      'container.image.tags': ['latest'],
    });
    expect(imageAttributes('localhost:5000/team/app:1.2')).toEqual({
      'container.image.name': 'localhost:5000/team/app',
      'container.image.tags': ['1.2'],
    });
    expect(imageAttributes('ghcr.io/a/b@sha256:abc')).toEqual({
      'container.image.name': 'ghcr.io/a/b',
      'container.image.tags': undefined,
    });
    expect(imageAttributes('sha256:abc')).toEqual({ 'container.image.id': 'sha256:abc' });
  });
});
