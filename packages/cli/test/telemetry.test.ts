import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliRun, cleanEnv, nodeWork, ubom, workDir } from './helpers';
import { attributesOf, OtlpReceiver, type ReceivedSpan } from './otlp-receiver';

const files = workDir();
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.spans.length = 0;
  receiver.metrics.length = 0;
});

/** An environment with no OTEL_* variable but those given. */
function otelEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = cleanEnv();
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_')) delete env[key];
  return { ...env, ...vars };
}

const workSpan = (id: string): ReceivedSpan | undefined =>
  receiver.spans.find(
    (s) => s.name === 'ubom.work process' && attributesOf(s.attributes)['ubom.work.id'] === id,
  );

// Every assertion runs right after the CLI exited: what it exports is flushed before it exits.
describe('ubom run exports OpenTelemetry when the OTEL_* variables ask for it', () => {
  it('sends the work span and the duration histogram over OTLP/HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const file = files.write(
      'ok.json',
      nodeWork("console.log('hi')", {}, { id: 'otlp-ok', name: 'greeting' }),
    );
    const env = otelEnv({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'ubom-otlp-test',
    });
    const { code, stderr } = await ubom(['run', file, '-q'], { env });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(receiver.requests).toContainEqual({ path: '/v1/traces', contentType: 'application/x-protobuf' });
    const span = workSpan('otlp-ok');
    expect(span).toBeDefined();
    expect(attributesOf(span?.attributes)).toMatchObject({
      'ubom.work.id': 'otlp-ok',
      'ubom.work.type': 'process',
      'ubom.work.name': 'greeting',
    });
    expect(span?.status?.code ?? 0).not.toBe(2);
    expect(span?.resource).toMatchObject({
      'service.name': 'ubom-otlp-test',
      'service.version': expect.any(String),
    });
    const duration = receiver.metrics.find((m) => m.name === 'ubom.work.duration');
    expect(duration?.unit).toBe('s');
    const point = duration?.histogram?.dataPoints[0];
    expect(point?.count).toBe('1');
    expect(attributesOf(point?.attributes)).toEqual({
      'ubom.work.type': 'process',
      'ubom.work.outcome': 'success',
    });
  });

  it('flushes after a failed work too; a signal-specific endpoint is used as is', async () => {
    const file = files.write('fail.json', nodeWork('process.exit(3)', {}, { id: 'otlp-fail' }));
    const env = otelEnv({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/traces`,
    });
    const { code } = await ubom(['run', file, '-q'], { env });
    expect(code).toBe(1);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/custom/traces']);
    const span = workSpan('otlp-fail');
    expect(span?.status?.code).toBe(2); // ERROR
    expect(span?.resource['service.name']).toBe('ubom'); // the default without OTEL_SERVICE_NAME
  });

  it('flushes when Ctrl-C cancels the work (exit 130)', async () => {
    const file = files.write(
      'long.json',
      nodeWork('setTimeout(() => {}, 60_000)', {}, { id: 'otlp-cancel' }),
    );
    const env = otelEnv({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    const run = new CliRun(['run', file], { env });
    await run.waitFor('stderr', /started process/);
    run.child.kill('SIGINT');
    const { code } = await run.done;
    expect(code).toBe(130);
    const span = workSpan('otlp-cancel');
    expect(span?.status?.code).toBe(2);
    expect(span?.events?.map((e) => e.name)).toContainEqual(expect.stringMatching(/cancel/));
  });

  it('sends nothing with OTEL_SDK_DISABLED=true, or with every exporter set to none', async () => {
    const file = files.write('quiet.json', nodeWork('', {}, { id: 'otlp-off' }));
    const off = [
      { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' },
      { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
    ];
    for (const vars of off) {
      const env = otelEnv({ ...vars, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      expect((await ubom(['run', file, '-q'], { env })).code).toBe(0);
    }
    expect(receiver.requests).toEqual([]);
  });
});

describe('a queued work across processes', () => {
  beforeAll(() => {
    execFileSync('bash', [fileURLToPath(new URL('../../../scripts/setup-redis.sh', import.meta.url))], {
      stdio: 'ignore',
    });
  }, 180_000);

  it('ubom enqueue and ubom worker export one trace: add → process → ubom.work, and the work gets it', async () => {
    const queue = `ubom-otel-${randomUUID()}`;
    const env = otelEnv({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      UBOM_REDIS_URL: 'redis://127.0.0.1:6379',
      UBOM_QUEUE: queue,
    });
    const worker = new CliRun(['worker'], { env });
    try {
      await worker.waitFor('stderr', /\[worker\] ready/);
      const file = files.write(
        'queued.json',
        nodeWork('console.log(process.env.TRACEPARENT)', {}, { id: 'otlp-queued' }),
      );
      const enqueued = await ubom(['enqueue', file, '--wait', '--json', '-q'], { env });
      expect(enqueued.code).toBe(0);
      worker.child.kill('SIGTERM'); // the worker's spans are flushed as it exits
      expect((await worker.done).code).toBe(0);
      const producer = receiver.spans.find((s) => s.name === `add ${queue}.process`);
      const consumer = receiver.spans.find((s) => s.name === `process ${queue}`);
      const work = workSpan('otlp-queued');
      expect(producer && consumer && work).toBeTruthy();
      const traceId = producer?.traceId;
      expect([consumer?.traceId, work?.traceId]).toEqual([traceId, traceId]);
      expect(consumer?.parentSpanId).toBe(producer?.spanId);
      expect(work?.parentSpanId).toBe(consumer?.spanId);
      const { outputs } = JSON.parse(enqueued.stdout) as { outputs: { stdout: string } };
      expect(outputs.stdout).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01\n$`));
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }
  }, 60_000);
});
